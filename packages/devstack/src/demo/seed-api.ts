import { MailSinkClient } from '../mail-client.ts';

/** A member session against the app API, as a browser would hold it (access token only). */
export interface Session {
  token: string;
  userId: string;
  handle: string;
}

/**
 * The slice of the app API (/api/v1) the demo seed drives. Seeding goes through the real API so demo
 * data passes the same rules, the same worker pipeline and the same mails as anyone's.
 */
export class SeedApi {
  constructor(private readonly origin: string, private readonly mail: MailSinkClient) {}

  private async call<T>(method: string, path: string, opts: { token?: string; json?: unknown; form?: FormData } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.origin}/api/v1${path}`, {
      method,
      headers,
      body: opts.form ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Sign-up → verification mail read from the SMTP sink → verify → log in. */
  async signUp(email: string, handle: string, password: string): Promise<Session> {
    await this.call('POST', '/auth/register', { json: { email, password, handle } });
    const mail = await this.mail.waitFor(email, (m) => m.links.some((l) => l.includes('token=')), 60_000);
    const link = mail.links.find((l) => l.includes('token='))!;
    const token = new URL(link).searchParams.get('token');
    await this.call('POST', '/auth/verify-email', { json: { token } });
    return this.logIn(email, password);
  }

  async logIn(email: string, password: string): Promise<Session> {
    const res = await this.call<{ accessToken: string; user: { id: string; handle: string } }>('POST', '/auth/login', { json: { email, password } });
    return { token: res.accessToken, userId: res.user.id, handle: res.user.handle };
  }

  async upload(s: Session, file: { bytes: Uint8Array; name: string; type: string }, title: string, hashtags: string[]): Promise<string> {
    const form = new FormData();
    form.set('title', title);
    form.set('description', `Procedurally generated demo art by @${s.handle}.`);
    for (const tag of hashtags) form.append('hashtags', tag);
    form.set('file', new Blob([file.bytes], { type: file.type }), file.name);
    const post = await this.call<{ id: string }>('POST', '/posts', { token: s.token, form });
    return post.id;
  }

  /** Waits until the worker has processed the post (state ready or failed). */
  async waitProcessed(s: Session, postId: string, timeoutMs: number): Promise<'ready' | 'failed'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const post = await this.call<{ state: 'processing' | 'ready' | 'failed' }>('GET', `/posts/${postId}`, { token: s.token });
      if (post.state !== 'processing') return post.state;
      if (Date.now() > deadline) throw new Error(`post ${postId} still processing after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  follow = (s: Session, userId: string) => this.call('PUT', `/users/${userId}/follow`, { token: s.token });
  react = (s: Session, postId: string, emoji: string) => this.call('PUT', `/posts/${postId}/reactions/${encodeURIComponent(emoji)}`, { token: s.token });
  comment = (s: Session, postId: string, body: string) => this.call('POST', `/posts/${postId}/comments`, { token: s.token, json: { body } });
  trust = (mod: Session, userId: string) => this.call('POST', `/mod/users/${userId}/trust`, { token: mod.token, json: {} });
  promote = (mod: Session, postId: string) => this.call('POST', `/mod/posts/${postId}/promote`, { token: mod.token, json: {} });
}
