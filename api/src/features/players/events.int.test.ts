import { type PlayerEvent, playerEventsChannel, publishPlayerEvent } from '@makapix/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createPlayerTestApp, type PlayerTestApp, waitFor } from '../../../test/fixtures/players.ts';

interface SseEvent {
  event: string;
  data: string;
}

/** A minimal EventSource over fetch: collects parsed events until aborted. */
function openStream(url: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  const response = fetch(url, { headers, signal: controller.signal }).then(async (res) => {
    if (res.ok && res.body) {
      void (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            buffer += decoder.decode(chunk, { stream: true });
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const event = /^event: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (event && data !== undefined) events.push({ event, data });
            }
          }
        } catch {
          // aborted
        }
      })();
    }
    return res;
  });
  return { events, response, close: () => controller.abort() };
}

describe('GET /api/v1/players/events (SPEC.md §5 live status)', () => {
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
