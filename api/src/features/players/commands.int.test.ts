import { playerCommands, players, posts } from '@makapix/db';
import { type Command, commandSchema, firmwareClientId, topics } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createWiredApp, type ProvisionedPlayer, provisionPlayer, waitFor, type WiredApp } from '../../../test/fixtures/players.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';

/** A device as the firmware connects: mTLS with the issued certificate, MQTT 3.1.1, `p3a-{key}`. */
async function connectDevice(t: WiredApp, player: ProvisionedPlayer): Promise<{ client: MqttClient; received: Command[] }> {
  const client = mqtt.connect({
    protocol: 'mqtts',
    host: 'localhost',
    port: t.broker.ports.mtls,
    ca: player.credentials.ca_pem,
    cert: player.credentials.cert_pem,
    key: player.credentials.key_pem,
    clientId: firmwareClientId(player.key),
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const received: Command[] = [];
  client.on('message', (_topic, payload) => received.push(commandSchema.parse(JSON.parse(payload.toString('utf8')))));
  await client.subscribeAsync(topics.command(player.key), { qos: 1 });
  return { client, received };
}

describe('commands to players (docs/device-protocol.md §6) through a real broker', () => {
  let t: WiredApp;
  let owner: TestMember;
  let stranger: TestMember;
  let player: ProvisionedPlayer;
  let device: { client: MqttClient; received: Command[] };
  beforeAll(async () => {
    t = await createWiredApp();
    owner = await createMember(t);
    stranger = await createMember(t);
    player = await provisionPlayer(t, owner);
    device = await connectDevice(t, player);
  });
  afterAll(async () => {
    await device?.client.endAsync(true);
    await t.close();
  });

  const send = (member: TestMember, key: string, body: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/players/${key}/commands`, headers: member.auth, payload: body });
  const setCapabilities = (key: string, capabilities: Record<string, unknown> | null) =>
    t.app.db.update(players).set({ capabilities }).where(eq(players.playerKey, key));

  it('delivers a command sent through the owner API to the device over mTLS', async () => {
    const res = await send(owner, player.key, { commandType: 'swap_next' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ playerId: player.key, commandType: 'swap_next', payload: {}, ack: null });
    const got = await waitFor(() => device.received.find((c) => c.command_id === res.json().commandId), 3000, 'the command on the device');
    expect(got.command_type).toBe('swap_next');
    expect(got.payload).toEqual({});
  });

  it('refuses commands for features the player did not advertise, and values outside the advertised range', async () => {
    await setCapabilities(player.key, null);
    const unsupported = await send(owner, player.key, { commandType: 'set_brightness', payload: { value: 10 } });
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json().error.code).toBe('unsupported_command');
    expect((await send(owner, player.key, { commandType: 'set_paused', payload: { paused: true } })).json().error.code).toBe('unsupported_command');

    await setCapabilities(player.key, { features: { brightness: { min: 0, max: 100 }, rotation: { values: [0, 90, 180, 270] }, mirror: { values: ['none', 'horizontal'] } } });
    const tooBright = await send(owner, player.key, { commandType: 'set_brightness', payload: { value: 101 } });
    expect(tooBright.statusCode).toBe(400);
    expect(tooBright.json().error.code).toBe('invalid_value');
    expect((await send(owner, player.key, { commandType: 'set_rotation', payload: { value: 45 } })).json().error.code).toBe('invalid_value');
    expect((await send(owner, player.key, { commandType: 'set_mirror', payload: { value: 'vertical' } })).json().error.code).toBe('invalid_value');

    const ok = await send(owner, player.key, { commandType: 'set_brightness', payload: { value: 100 } });
    expect(ok.statusCode).toBe(202);
    const got = await waitFor(() => device.received.find((c) => c.command_id === ok.json().commandId), 3000, 'set_brightness');
    expect(got.payload).toEqual({ value: 100 });

    expect((await send(owner, player.key, { commandType: 'reboot', payload: {} })).statusCode).toBe(400);
    expect((await send(owner, player.key, { commandType: 'play_channel', payload: { channelName: 'user' } })).statusCode).toBe(400);
  });

  it('fills show_artwork from a post the owner may see and refuses one they may not', async () => {
    const own = await insertReadyPost(t, owner.id, { title: 'é'.repeat(100) });
    const res = await send(owner, player.key, { commandType: 'show_artwork', payload: { postId: own.sqid } });
    expect(res.statusCode).toBe(202);
    const got = await waitFor(() => device.received.find((c) => c.command_id === res.json().commandId), 3000, 'show_artwork');
    const [post] = await t.app.db.select().from(posts).where(eq(posts.id, own.id));
    expect(got.payload).toEqual({
      post_id: own.id,
      title: 'é'.repeat(64),
      storage_key: post!.storageKey,
      storage_shard: post!.storageShard,
      native_format: 'png',
      width: 16,
      height: 16,
    });

    const hidden = await insertReadyPost(t, stranger.id, { approved: true });
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, hidden.id));
    const refused = await send(owner, player.key, { commandType: 'show_artwork', payload: { postId: hidden.sqid } });
    expect(refused.statusCode).toBe(404);
    expect((await send(owner, player.key, { commandType: 'show_artwork', payload: { postId: 'nope' } })).statusCode).toBe(404);
    expect((await send(owner, player.key, { commandType: 'show_artwork', payload: { postId: 'notamember' } })).statusCode).toBe(404);
    const visible = await insertReadyPost(t, stranger.id, { approved: true });
    expect((await send(owner, player.key, { commandType: 'show_artwork', payload: { postId: visible.sqid } })).statusCode).toBe(202);
  });

  it('names the artist in by_user channels and sends hashtags lower-case', async () => {
    const byUser = await send(owner, player.key, { commandType: 'play_channel', payload: { channelName: 'by_user', userId: stranger.sqid } });
    expect(byUser.statusCode).toBe(202);
    expect(byUser.json().payload).toEqual({ channel_name: 'by_user', user_sqid: stranger.sqid, user_handle: stranger.handle });
    const tag = await send(owner, player.key, { commandType: 'play_channel', payload: { channelName: 'hashtag', hashtag: '#PixelArt' } });
    expect(tag.json().payload).toEqual({ channel_name: 'hashtag', hashtag: 'pixelart' });
    expect((await send(owner, player.key, { commandType: 'play_channel', payload: { channelName: 'reactions', userId: 'zzzzzzzz' } })).statusCode).toBe(404);
  });

  it('execute_playset takes every §6 channel type (sdcard and pinned too) and offset, and delivers them to the device', async () => {
    const channels = [
      { type: 'named', name: 'all', weight: 2 },
      { type: 'user', identifier: stranger.sqid, displayName: `@${stranger.handle}`, offset: 10 },
      { type: 'sdcard' },
      { type: 'pinned', identifier: 'favourites', offset: 3 },
      { type: 'hashtag', identifier: 'cats', weight: 1, offset: 0 },
      { type: 'reactions', identifier: owner.sqid },
    ];
    const res = await send(owner, player.key, { commandType: 'execute_playset', payload: { name: 'Live mix', channels } });
    expect(res.statusCode).toBe(202);
    const got = await waitFor(() => device.received.find((c) => c.command_id === res.json().commandId), 3000, 'execute_playset');
    // docs/device-protocol.md §6 on the wire: snake_case, exactly what was asked.
    expect(got.payload).toEqual({
      name: 'Live mix',
      channels: [
        { type: 'named', name: 'all', weight: 2 },
        { type: 'user', identifier: stranger.sqid, display_name: `@${stranger.handle}`, offset: 10 },
        { type: 'sdcard' },
        { type: 'pinned', identifier: 'favourites', offset: 3 },
        { type: 'hashtag', identifier: 'cats', weight: 1, offset: 0 },
        { type: 'reactions', identifier: owner.sqid },
      ],
    });
    for (const bad of [[{ type: 'usb' }], [{ type: 'sdcard', offset: -1 }], [{ type: 'named', weight: 1.5 }], [], Array.from({ length: 65 }, () => ({ type: 'sdcard' }))]) {
      const refused = await send(owner, player.key, { commandType: 'execute_playset', payload: { channels: bad } });
      expect(refused.statusCode, JSON.stringify(bad).slice(0, 60)).toBe(400);
    }
  });

  it('keeps strangers away from my player', async () => {
    const res = await send(stranger, player.key, { commandType: 'swap_next' });
    expect(res.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}/commands`, headers: stranger.auth })).statusCode).toBe(404);
  });

  it('logs every command with its ack, newest first, in pages', async () => {
    const sent = await send(owner, player.key, { commandType: 'swap_back' });
    await t.app.db
      .update(playerCommands)
      .set({ ackStatus: 'ok', ackedAt: new Date() })
      .where(eq(playerCommands.commandId, sent.json().commandId));
    const log = await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}/commands?limit=2`, headers: owner.auth });
    expect(log.statusCode).toBe(200);
    expect(log.json().items[0]).toMatchObject({ commandId: sent.json().commandId, commandType: 'swap_back', ack: { status: 'ok', error: null } });
    expect(log.json().items).toHaveLength(2);
    expect(log.json().nextCursor).toEqual(expect.any(String));
    const next = await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}/commands?limit=2&cursor=${log.json().nextCursor}`, headers: owner.auth });
    expect(next.json().items[0].commandId).not.toBe(log.json().items[1].commandId);
    const bad = await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}/commands?cursor=!!`, headers: owner.auth });
    expect(bad.statusCode).toBe(400);
  });

  it('rate-limits 300 per minute per player and 1000 per minute per member', async () => {
    const busy = await createMember(t);
    const busyPlayer = await provisionPlayer(t, busy);
    await t.app.consumeRateLimit('commandPerPlayer', busyPlayer.key, 299);
    expect((await send(busy, busyPlayer.key, { commandType: 'swap_next' })).statusCode).toBe(202);
    const limited = await send(busy, busyPlayer.key, { commandType: 'swap_next' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();

    const chatty = await createMember(t);
    const chattyPlayer = await provisionPlayer(t, chatty);
    await t.app.consumeRateLimit('commandPerUser', String(chatty.id), 1000);
    expect((await send(chatty, chattyPlayer.key, { commandType: 'swap_next' })).statusCode).toBe(429);
  });

  it('sends one command to all my players, each judged on its own capabilities', async () => {
    const second = await provisionPlayer(t, owner, 'Second');
    await setCapabilities(player.key, { features: { pause: {} } });
    await setCapabilities(second.key, null);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/players/commands', headers: owner.auth, payload: { commandType: 'set_paused', payload: { paused: true } } });
    expect(res.statusCode).toBe(202);
    const items = res.json().items as { playerId: string; command: { commandId: string } | null; error: { code: string } | null }[];
    expect(items).toHaveLength(2);
    const mine = items.find((i) => i.playerId === player.key)!;
    expect(mine.error).toBeNull();
    expect(items.find((i) => i.playerId === second.key)!.error?.code).toBe('unsupported_command');
    await waitFor(() => device.received.find((c) => c.command_id === mine.command!.commandId), 3000, 'the broadcast on the device');

    const nobody = await createMember(t);
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/players/commands', headers: nobody.auth, payload: { commandType: 'swap_next' } });
    expect(none.json()).toEqual({ items: [] });
  });

  it('executes a saved playset on the player', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/playsets',
      headers: owner.auth,
      payload: { name: 'Mix', channels: [{ type: 'named', name: 'promoted', weight: 3 }, { type: 'hashtag', identifier: 'cats' }], exposureMode: 'manual', pickMode: 'random' },
    });
    expect(created.statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/playsets/Mix/execute`, headers: owner.auth });
    expect(res.statusCode).toBe(202);
    const got = await waitFor(() => device.received.find((c) => c.command_id === res.json().commandId), 3000, 'execute_playset');
    expect(got).toMatchObject({
      command_type: 'execute_playset',
      payload: { name: 'Mix', channels: [{ type: 'named', name: 'promoted', weight: 3 }, { type: 'hashtag', identifier: 'cats' }] },
    });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/playsets/Nope/execute`, headers: owner.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/playsets/Mix/execute`, headers: stranger.auth })).statusCode).toBe(404);
  });
});
