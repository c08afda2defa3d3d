/** A single string from Next's searchParams (repeated keys take the first). */
export function param(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;
