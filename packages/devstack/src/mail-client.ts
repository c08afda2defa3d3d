import type { StoredMail } from './smtp-sink.ts';

/** Reads the SMTP sink over its HTTP API; used by tests, the CLI and e2e scripts. */
export class MailSinkClient {
  constructor(private readonly apiUrl: string) {}

  async list(to?: string): Promise<StoredMail[]> {
    const res = await fetch(`${this.apiUrl}/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
    if (!res.ok) throw new Error(`mail sink answered ${res.status}`);
    return ((await res.json()) as { items: StoredMail[] }).items;
  }

  async latest(to: string): Promise<StoredMail | null> {
    const res = await fetch(`${this.apiUrl}/messages/latest?to=${encodeURIComponent(to)}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`mail sink answered ${res.status}`);
    return (await res.json()) as StoredMail;
  }

  /** Polls until a mail for `to` matching `predicate` arrives (mails are sent by the worker, asynchronously). */
  async waitFor(to: string, predicate: (m: StoredMail) => boolean = () => true, timeoutMs = 15_000): Promise<StoredMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.list(to)).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail for ${to} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async clear(): Promise<void> {
    await fetch(`${this.apiUrl}/messages`, { method: 'DELETE' });
  }
}
