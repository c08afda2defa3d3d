import { artworkViews, playerCommands, players } from '@makapix/db';
import { type PlayerEvent, parsePlayerEvent, playerEventsChannel, topics } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { eventually, insertArtwork, insertDevicePlayer, xaddInbox } from '../../../test/fixtures/device-plane.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { requestCacheKey } from '../device-requests/idempotency.ts';

// docs/device-protocol.md §3–§4 through the inbox stream: presence, capabilities, state, command acks, the
// owner's live events, certificate promotion, and requests / views reaching their handlers.

let t: TestApp;
let owner: TestMember;
let sub: Redis;
const events: PlayerEvent[] = [];

beforeAll(async () => {
  t = await createTestApp();
  owner = await createMember(t);
  sub = t.app.redis.duplicate();
  sub.on('message', (_channel: string, raw: string) => {
    const event = parsePlayerEvent(raw);
    if (event) events.push(event);
  });
  await sub.subscribe(playerEventsChannel(owner.id));
});
afterAll(async () => {
  await sub?.quit();
  await t?.close();
});

const playerRow = async (id: number) => (await t.app.db.select().from(players).where(eq(players.id, id)))[0]!;
const eventsOf = (key: string, type: PlayerEvent['type']) => events.filter((e) => e.playerKey === key && e.type === type);

describe('status', () => {
  it('online stores status, last seen, current post and firmware, and tells the owner', async () => {
    const p = await insertDevicePlayer(t, owner.id);
    const art = await insertArtwork(t, owner.id);
    await xaddInbox(t, topics.status(p.playerKey), { player_key: p.playerKey, status: 'online', current_post_id: art.id, firmware_version: '1.2.3', timestamp: 'x' });
    await eventually(async () => eventsOf(p.playerKey, 'status').length === 1, 10_000, 'status event');
    const row = await playerRow(p.id);
    expect(row).toMatchObject({ status: 'online', currentPostId: art.id, firmwareVersion: '1.2.3' });
    expect(row.lastSeenAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    expect(eventsOf(p.playerKey, 'status')[0]!.data).toMatchObject({ status: 'online', currentPostId: art.id, firmwareVersion: '1.2.3' });
  });

  it('a current_post_id naming no post is stored as null; graceful offline keeps the last values; LWT → offline', async () => {
    const p = await insertDevicePlayer(t, owner.id);
    const art = await insertArtwork(t, owner.id);
    await xaddInbox(t, topics.status(p.playerKey), { status: 'online', current_post_id: 999_999_999 });
    await eventually(async () => (await playerRow(p.id)).status === 'online');
    expect((await playerRow(p.id)).currentPostId).toBeNull();
    await xaddInbox(t, topics.status(p.playerKey), { status: 'online', current_post_id: art.id, firmware_version: '2.0' });
    await xaddInbox(t, topics.status(p.playerKey), { player_key: p.playerKey, status: 'offline' });
    await eventually(async () => eventsOf(p.playerKey, 'status').length === 3);
    expect(await playerRow(p.id)).toMatchObject({ status: 'offline', currentPostId: art.id, firmwareVersion: '2.0' });

    await xaddInbox(t, topics.status(p.playerKey), { status: 'online' });
    await eventually(async () => (await playerRow(p.id)).status === 'online');
    // The broker publishes the last will for the device: offline whatever the payload says.
    await xaddInbox(t, topics.status(p.playerKey), { player_key: p.playerKey, status: 'offline' }, { source: 'will' });
    await eventually(async () => (await playerRow(p.id)).status === 'offline', 10_000, 'LWT offline');
  });

  it('the player is the topic’s, never the body’s; unregistered players and invalid payloads change nothing', async () => {
    const p = await insertDevicePlayer(t, owner.id);
    const victim = await insertDevicePlayer(t, owner.id);
    const unregistered = await insertDevicePlayer(t, null);
    await xaddInbox(t, topics.status(unregistered.playerKey), { status: 'online' });
    await xaddInbox(t, topics.status(p.playerKey), 'not json {');
    await xaddInbox(t, topics.status(p.playerKey), { status: 'dancing' });
    await xaddInbox(t, topics.status(p.playerKey), { player_key: victim.playerKey, status: 'online' });
    await eventually(async () => (await playerRow(p.id)).status === 'online');
    expect((await playerRow(victim.id)).status).toBe('offline');
    expect((await playerRow(unregistered.id)).status).toBe('offline');
    expect(eventsOf(p.playerKey, 'status')).toHaveLength(1);
  });
});

describe('capabilities and state', () => {
  it('stores capabilities, and only advertised, in-range state, merged over partial updates', async () => {
    const p = await insertDevicePlayer(t, owner.id);
    const key = p.playerKey;
    await xaddInbox(t, topics.capabilities(key), {
      firmware_version: '3.1',
      features: { pause: {}, brightness: { min: 0, max: 100, step: 5 }, rotation: { values: [0, 90, 180, 270] }, teleport: {} },
    });
    await xaddInbox(t, topics.state(key), { is_paused: false, brightness: 250, rotation: 90, mirror: 'horizontal' });
    await xaddInbox(t, topics.state(key), { brightness: 40 });
    await eventually(async () => eventsOf(key, 'state').length === 2, 10_000, 'state events');
    const row = await playerRow(p.id);
    expect(row.capabilities).toEqual({ firmware_version: '3.1', features: { pause: {}, brightness: { min: 0, max: 100, step: 5 }, rotation: { values: [0, 90, 180, 270] } } });
    expect(row.firmwareVersion).toBe('3.1');
    expect(row.state).toEqual({ is_paused: false, rotation: 90, brightness: 40 });
    expect(eventsOf(key, 'capabilities')).toHaveLength(1);
    expect(eventsOf(key, 'state')[1]!.data).toEqual({ is_paused: false, rotation: 90, brightness: 40 });

    // New capabilities without rotation: the stored state drops it.
    await xaddInbox(t, topics.capabilities(key), { features: { pause: {}, brightness: { min: 0, max: 100 } } });
    await eventually(async () => eventsOf(key, 'capabilities').length === 2);
    expect((await playerRow(p.id)).state).toEqual({ is_paused: false, brightness: 40 });
  });
});

describe('command acks', () => {
  it('update the player’s own logged command only, and tell the owner', async () => {
    const p = await insertDevicePlayer(t, owner.id);
    const other = await insertDevicePlayer(t, owner.id);
    const own = crypto.randomUUID();
    const foreign = crypto.randomUUID();
    await t.app.db.insert(playerCommands).values([
      { commandId: own, playerId: p.id, commandType: 'swap_next' },
      { commandId: foreign, playerId: other.id, commandType: 'swap_next' },
    ]);
    await xaddInbox(t, topics.commandAck(p.playerKey), { command_id: foreign, status: 'ok', error: null });
    await xaddInbox(t, topics.commandAck(p.playerKey), { command_id: 'not-a-uuid', status: 'ok' });
    await xaddInbox(t, topics.commandAck(p.playerKey), { command_id: own, status: 'error', error: 'no sd card' });
    await eventually(async () => eventsOf(p.playerKey, 'command_ack').length === 1);
    const rows = await t.app.db.select().from(playerCommands);
    expect(rows.find((r) => r.commandId === own)).toMatchObject({ ackStatus: 'error', ackError: 'no sd card', ackedAt: expect.any(Date) });
    expect(rows.find((r) => r.commandId === foreign)).toMatchObject({ ackStatus: null, ackedAt: null });
    expect(eventsOf(p.playerKey, 'command_ack')[0]!.data).toMatchObject({ commandId: own, status: 'error', error: 'no sd card' });
  });
});

describe('certificate renewal', () => {
  it('a message over the pending certificate promotes it', async () => {
    const p = await insertDevicePlayer(t, owner.id, { certSerial: 'a1b2c3', pendingCertSerial: 'd4e5f6' });
    await xaddInbox(t, topics.status(p.playerKey), { status: 'online' }, { certSerial: 'a1b2c3' });
    await eventually(async () => (await playerRow(p.id)).status === 'online');
    expect(await playerRow(p.id)).toMatchObject({ certSerial: 'a1b2c3', pendingCertSerial: 'd4e5f6' });
    await xaddInbox(t, topics.state(p.playerKey), {}, { certSerial: 'd4e5f6' });
    await eventually(async () => (await playerRow(p.id)).certSerial === 'd4e5f6', 10_000, 'promotion');
    expect((await playerRow(p.id)).pendingCertSerial).toBeNull();
  });
});

describe('requests and views through the inbox', () => {
  it('a request is answered (and cached under its topic request id); a view is counted', async () => {
    const p = await insertDevicePlayer(t, owner.id);
    const requestId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    await xaddInbox(t, topics.request(p.playerKey, requestId), { request_id: requestId, request_type: 'echo', player_key: p.playerKey, echo_data: 'hello' });
    const key = requestCacheKey(p.playerKey, requestId);
    await eventually(async () => (await t.app.redis.get(key))?.startsWith('{') ?? false, 10_000, 'cached response');
    expect(JSON.parse((await t.app.redis.get(key))!)).toMatchObject({ request_id: requestId, success: true, echo_data: 'hello' });

    const badId = 'bad0bad0bad0bad0bad0bad0bad0bad0';
    await xaddInbox(t, topics.request(p.playerKey, badId), '{{{');
    await eventually(async () => (await t.app.redis.get(requestCacheKey(p.playerKey, badId)))?.startsWith('{') ?? false);
    expect(JSON.parse((await t.app.redis.get(requestCacheKey(p.playerKey, badId)))!)).toMatchObject({ request_id: badId, success: false, error_code: 'invalid_request' });

    const artist = await createMember(t);
    const art = await insertArtwork(t, artist.id);
    await xaddInbox(t, topics.view(p.playerKey), { post_id: art.id, timestamp: new Date().toISOString(), intent: 'artwork', player_key: p.playerKey });
    await eventually(async () => (await t.app.db.select().from(artworkViews).where(eq(artworkViews.postId, art.id))).length === 1, 10_000, 'view');
  });
});
