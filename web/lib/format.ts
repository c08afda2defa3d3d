/** Human units for the artwork metadata list. */
export function bytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function ms(n: number | null): string {
  if (n === null) return '—';
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n} ms`;
}

export function day(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

export function excerpt(text: string | null, fallback: string, max = 160): string {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!t) return fallback;
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** A timestamp that reads the same on the server and in the browser (no hydration mismatch). */
export function stamp(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
