import { type PlayerEvent, playerEventsChannel, publishPlayerEvent } from '@makapix/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createPlayerTestApp, type PlayerTestApp, waitFor } from '../../../test/fixtures/players.ts';
import { openEventStream as openStream } from '../../../test/fixtures/sse.ts';

describe('GET /api/v1/players/events (docs/product.md §5 live status)', () => {
  let t: PlayerTestApp;
  let base: string;
  let redis: Redis;
  let owner: TestMember;
  let stranger: TestMember;
  const key = '0b5c2f4e-8a1d-4e3b-9c7f-1a2b3c4d5e6f';
  beforeAll(async () => {
    t = await createPlayerTestApp();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    redis = new Redis(t.config.redis.url);
    owner = await createMember(t);
    stranger = await createMember(t);
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  const status = (currentPostId: number | null): PlayerEvent => ({
    type: 'status',
    playerKey: key,
    at: new Date().toISOString(),
    data: { status: 'online', currentPostId, firmwareVersion: '1.4.0', lastSeenAt: new Date().toISOString() },
  });

  it('streams my players’ events within 2 s, with public ids, and nobody else’s', async () => {
    const stream = openStream(`${base}/api/v1/players/events`, owner.auth);
    const res = await stream.response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await waitFor(() => stream.events.some((e) => e.event === 'ready'), 3000, 'ready');

    await publishPlayerEvent(redis, stranger.id, status(1));
    const sentAt = Date.now();
    await publishPlayerEvent(redis, owner.id, status(42));
    const got = await waitFor(() => stream.events.find((e) => e.event === 'status'), 2000, 'the status event');
    expect(Date.now() - sentAt).toBeLessThan(2000);
    expect(JSON.parse(got.data)).toMatchObject({
      playerId: key,
      data: { status: 'online', currentPostId: t.app.publicId.encode(42), firmwareVersion: '1.4.0' },
    });

    await publishPlayerEvent(redis, owner.id, { type: 'state', playerKey: key, at: new Date().toISOString(), data: { is_paused: true, brightness: 3 } });
    await publishPlayerEvent(redis, owner.id, { type: 'command_ack', playerKey: key, at: new Date().toISOString(), data: { commandId: 'c-1', status: 'error', error: 'busy', ackedAt: new Date().toISOString() } });
    const state = await waitFor(() => stream.events.find((e) => e.event === 'state'), 2000, 'state');
    expect(JSON.parse(state.data).data).toEqual({ isPaused: true, brightness: 3 });
    const ack = await waitFor(() => stream.events.find((e) => e.event === 'command_ack'), 2000, 'command_ack');
    expect(JSON.parse(ack.data).data).toMatchObject({ commandId: 'c-1', status: 'error', error: 'busy' });
    expect(stream.events.filter((e) => e.event === 'status')).toHaveLength(1);

    // One subscription while open, none after the browser goes away.
    const numsub = async () => Number(((await redis.pubsub('NUMSUB', playerEventsChannel(owner.id))) as [string, number])[1]);
    expect(await numsub()).toBe(1);
    stream.close();
    await waitFor(async () => (await numsub()) === 0, 3000, 'the unsubscribe');
  });

  /** Resolves once the server ended the stream (fetch's body finished), or rejects after `ms`. */
  const ended = async (res: Response, ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the stream was still open after ${ms} ms`)), ms);
    });
    await Promise.race([res.text(), timeout]).finally(() => clearTimeout(timer));
  };

  it('ends the stream within 2 s when the member is banned, and when the token expires', async () => {
    const [member, moderator] = await Promise.all([createMember(t), createMember(t, { role: 'moderator' })]);
    const banned = await fetch(`${base}/api/v1/players/events`, { headers: member.auth });
    expect(banned.status).toBe(200);
    const ban = await t.app.inject({ method: 'POST', url: `/api/v1/mod/users/${member.sqid}/ban`, headers: moderator.auth, payload: { reason: 'spam' } });
    expect(ban.statusCode).toBe(200);
    const started = Date.now();
    await ended(banned.clone(), 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await banned.text()).toContain('event: revoked\ndata: {"reason":"banned"}');

    const shortLived = t.app.jwt.sign({ sub: String(owner.id), role: 'member' }, { expiresIn: '2s' });
    const expiring = await fetch(`${base}/api/v1/players/events?access_token=${shortLived}`);
    expect(expiring.status).toBe(200);
    await ended(expiring.clone(), 4_000);
    expect(await expiring.text()).toContain('event: reauthenticate\ndata: {"reason":"token_expired"}');
  });

  it('accepts the access token in the query string and refuses a missing or bad one', async () => {
    const stream = openStream(`${base}/api/v1/players/events?access_token=${encodeURIComponent(owner.accessToken)}`);
    expect((await stream.response).status).toBe(200);
    await waitFor(() => stream.events.some((e) => e.event === 'ready'), 3000, 'ready');
    stream.close();

    const anonymous = await fetch(`${base}/api/v1/players/events`);
    expect(anonymous.status).toBe(401);
    const bad = await fetch(`${base}/api/v1/players/events?access_token=nope`);
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
  });
});
