import { users } from '@makapix/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { notificationChannel } from './present.ts';

interface SseEvent {
  event: string;
  data: unknown;
}

/** A real streaming client: `inject` cannot stream, so this reads the socket through fetch. */
class SseClient {
  private readonly events: SseEvent[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(readonly response: Response, private readonly controller: AbortController) {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          this.buffer += decoder.decode(value, { stream: true });
          let cut: number;
          while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
            this.parse(this.buffer.slice(0, cut));
            this.buffer = this.buffer.slice(cut + 2);
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
  }

  private parse(block: string): void {
    const lines = block.split('\n');
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
    const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
    if (event && data !== undefined) this.events.push({ event, data: JSON.parse(data) });
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first not-yet-taken event matching, or rejects after `ms`. */
  async next(event: string, ms = 2_000): Promise<unknown> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.events.findIndex((e) => e.event === event);
      if (i >= 0) return this.events.splice(i, 1)[0]!.data;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${event}" event within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

describe('GET /api/v1/notifications/stream', () => {
  let t: TestApp;
  let base: string;
  let artist: TestMember;
  let fan: TestMember;
  let post: SeededPost;

  const connect = async (opts: { token?: string; header?: string }): Promise<SseClient> => {
    const controller = new AbortController();
    const query = opts.token ? `?access_token=${encodeURIComponent(opts.token)}` : '';
    const res = await fetch(`${base}/api/v1/notifications/stream${query}`, {
      headers: opts.header ? { authorization: opts.header } : {},
      signal: controller.signal,
    });
    return new SseClient(res, controller);
  };
  const subscribers = async (userId: number) => {
    const [, n] = (await t.app.redis.pubsub('NUMSUB', notificationChannel(userId))) as [string, number];
    return Number(n);
  };

  beforeAll(async () => {
    t = await createTestApp();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // Pub/sub channels span Redis logical databases, so test files running side by side share
    // `makapix:notifications:{id}`; ids far from every other file's keep this one's streams its own.
    await t.app.db.execute(sql`select setval(pg_get_serial_sequence('users', 'id'), ${1_000_000 + Math.floor(Math.random() * 1_000_000_000)})`);
    [artist, fan] = await Promise.all([createMember(t), createMember(t)]);
    post = await insertReadyPost(t, artist.id, { approved: true });
  });
  afterAll(async () => t.close());

  it('streams a reaction notification within 2 s, with the unread count', async () => {
    const client = await connect({ token: artist.accessToken });
    expect(client.response.status).toBe(200);
    expect(client.response.headers.get('content-type')).toContain('text/event-stream');
    expect(client.response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await client.next('unread')).toEqual({ count: 0 });

    const started = Date.now();
    const react = await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/${encodeURIComponent('✨')}`, headers: fan.auth });
    expect(react.statusCode).toBe(200);
    const notification = await client.next('notification', 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(notification).toMatchObject({ type: 'reaction', actor: { id: fan.sqid }, postId: post.sqid, data: { emoji: '✨' }, read: false });
    expect(await client.next('unread')).toEqual({ count: 1 });

    // Marking read elsewhere updates the open stream.
    await t.app.inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers: artist.auth });
    expect(await client.next('unread')).toEqual({ count: 0 });
    await client.close();
  });

  it('accepts the Bearer header, and shares one subscription per member across streams', async () => {
    const a = await connect({ header: `Bearer ${artist.accessToken}` });
    const b = await connect({ token: artist.accessToken });
    await a.next('unread');
    await b.next('unread');
    expect(await subscribers(artist.id)).toBe(1);

    await t.app.inject({ method: 'PUT', url: `/api/v1/users/${artist.sqid}/follow`, headers: fan.auth });
    expect(await a.next('notification')).toMatchObject({ type: 'follow' });
    expect(await b.next('notification')).toMatchObject({ type: 'follow' });

    await a.close();
    await b.close();
    // Closing the last stream of a member releases the Redis subscription.
    for (let i = 0; i < 50 && (await subscribers(artist.id)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await subscribers(artist.id)).toBe(0);
  });

  it('does not deliver another member\'s notifications', async () => {
    const client = await connect({ token: fan.accessToken });
    await client.next('unread');
    await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/other`, headers: fan.auth });
    await expect(client.next('notification', 500)).rejects.toThrow(/no "notification" event/);
    await client.close();
  });

  it('ends open streams when the server shuts down instead of waiting for them', async () => {
    const t2 = await createTestApp();
    const base2 = await t2.app.listen({ port: 0, host: '127.0.0.1' });
    const member = await createMember(t2);
    const res = await fetch(`${base2}/api/v1/notifications/stream`, { headers: { authorization: `Bearer ${member.accessToken}` } });
    const client = new SseClient(res, new AbortController());
    await client.next('unread');
    const closed = t2.close().then(() => 'closed');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timed out'), 5_000));
    expect(await Promise.race([closed, timeout])).toBe('closed');
    await client.done;
  });

  /** Resolves with how long the server took to end the stream, or rejects after `ms`. */
  const endedWithin = async (client: SseClient, ms: number): Promise<number> => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the stream was still open after ${ms} ms`)), ms);
    });
    await Promise.race([client.done, timeout]).finally(() => clearTimeout(timer));
    return Date.now() - started;
  };

  it('ends the stream within 2 s when a moderator bans the member, and only that member\'s', async () => {
    const [member, bystander, moderator] = await Promise.all([createMember(t), createMember(t), createMember(t, { role: 'moderator' })]);
    const client = await connect({ token: member.accessToken });
    const other = await connect({ token: bystander.accessToken });
    await client.next('unread');
    await other.next('unread');

    const ban = await t.app.inject({ method: 'POST', url: `/api/v1/mod/users/${member.sqid}/ban`, headers: moderator.auth, payload: { reason: 'spam' } });
    expect(ban.statusCode).toBe(200);
    expect(await endedWithin(client, 2_000)).toBeLessThan(2_000);
    expect(await client.next('revoked', 0)).toEqual({ reason: 'banned' });

    // The bystander's stream is untouched and still live.
    await t.app.inject({ method: 'PUT', url: `/api/v1/users/${bystander.sqid}/follow`, headers: fan.auth });
    expect(await other.next('notification')).toMatchObject({ type: 'follow' });
    await other.close();
  });

  it('ends the stream of a deactivated member once the change is announced', async () => {
    const member = await createMember(t);
    const client = await connect({ header: `Bearer ${member.accessToken}` });
    await client.next('unread');
    await t.app.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, member.id));
    await t.app.liveStreams.revalidateMember(member.id);
    await endedWithin(client, 2_000);
    expect(await client.next('revoked', 0)).toEqual({ reason: 'account_inactive' });
  });

  it('asks the client to reauthenticate, then ends the stream, when the access token expires', async () => {
    const member = await createMember(t);
    const shortLived = t.app.jwt.sign({ sub: String(member.id), role: 'member' }, { expiresIn: '2s' });
    const { exp } = t.app.jwt.decode<{ exp: number }>(shortLived)!;
    const client = await connect({ token: shortLived });
    expect(client.response.status).toBe(200);
    await client.next('unread');
    await endedWithin(client, 4_000);
    expect(await client.next('reauthenticate', 0)).toEqual({ reason: 'token_expired' });
    // Not before the token's own end (exp has one-second resolution).
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);

    // The expired token no longer opens a stream.
    const again = await fetch(`${base}/api/v1/notifications/stream?access_token=${shortLived}`);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
  });

  it('refuses missing, invalid and banned credentials like every other route', async () => {
    const none = await fetch(`${base}/api/v1/notifications/stream`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    const forged = await fetch(`${base}/api/v1/notifications/stream?access_token=not.a.jwt`);
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_token');

    const banned = await createMember(t);
    await t.app.db.update(users).set({ bannedUntil: new Date(Date.now() + 3_600_000) }).where(eq(users.id, banned.id));
    const res = await fetch(`${base}/api/v1/notifications/stream?access_token=${banned.accessToken}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('banned');
  });
});
