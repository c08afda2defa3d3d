import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { artworkViews, players as playersTable } from '@makapix/db';
import { DEVICE_TOKEN_RE, type Command } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMember, type TestMember } from '../../api/test/fixtures/accounts.ts';
import { insertArtwork } from '../../api/test/fixtures/device-plane.ts';
import { backoffWindow } from '../src/backoff.ts';
import { CredentialKeeper } from '../src/credentials.ts';
import { createDeviceClock, UNSYNCED_TIMESTAMP } from '../src/device-clock.ts';
import { fleetIp } from '../src/fleet/runner.ts';
import { DeviceHttp } from '../src/http.ts';
import { ownerSession, type OwnerSession } from '../src/owner-session.ts';
import { Playback } from '../src/playback.ts';
import { Player, type PlayerMetric } from '../src/player.ts';
import { provisionByCode } from '../src/provisioning.ts';
import { seededRandom } from '../src/rng.ts';
import { PlayerStateDir } from '../src/state-store.ts';
import { startSimStack, type SimStack } from './stack.ts';

// Issue 12 "Done when": five simulated p3a players on the real api + broker (a child process),
// provisioned by code, driven by the owner API, counted, restarted, and through a broker kill.
const BACKOFF_SCALE = 0.01;
const until = async (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

let stack: SimStack;
let owner: TestMember;
let session: OwnerSession;
let store: PlayerStateDir;
const codes: string[] = [];
const players: Player[] = [];
const playbacks: Playback[] = [];
const metrics: PlayerMetric[] = [];
const artworks: { id: number; sqid: string }[] = [];

function simPlayer(creds: Awaited<ReturnType<PlayerStateDir['load']>> & object, index: number, clock = createDeviceClock()) {
  const player = new Player(creds, {
    store, clock, random: seededRandom(index + 1), backoffScale: BACKOFF_SCALE,
    http: new DeviceHttp(stack.apiBaseUrl, { forwardedFor: fleetIp(index) }),
    timing: { heartbeatMs: 1_000 },
    onMetric: (m) => metrics.push(m),
  });
  const playback = new Playback(player, { viewFirstMs: 300, viewRepeatMs: 1_000, dwellMs: 60_000 });
  return { player, playback };
}

const api = async <T>(method: string, url: string) => {
  const res = await fetch(`${session.origin}${url}`, { method, headers: { authorization: `Bearer ${session.accessToken}` } });
  return { status: res.status, body: (await res.json()) as T };
};
const nextCommand = (p: Player, type: Command['command_type'], timeoutMs = 10_000) =>
  new Promise<Command>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${p.key} got no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const on = (c: Command) => c.command_type === type && (p.off('command', on), clearTimeout(timer), resolve(c));
    p.on('command', on);
  });

describe('simulated p3a players on the real stack', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    stack = await startSimStack();
    owner = await createMember(stack.t);
    const artist = await createMember(stack.t);
    for (const hashtags of [['sim'], [], ['sim'], []]) {
      const a = await insertArtwork(stack.t, artist.id, { hashtags });
      artworks.push({ id: a.id, sqid: stack.t.app.publicId.encode(a.id) });
    }
    session = await ownerSession(stack.apiBaseUrl, owner.email, owner.password, '10.200.0.1');
    store = new PlayerStateDir(await mkdtemp(path.join(inject('scratchDir'), 'sim-state-')));
    for (let i = 0; i < 5; i++) {
      const creds = await provisionByCode(new DeviceHttp(stack.apiBaseUrl, { forwardedFor: fleetIp(i) }), {
        register: session.register, name: `Sim ${i + 1}`, pollMs: 100, onCode: (code) => codes.push(code),
      });
      await store.save(creds);
      // The last one boots before its clock has synced (it stamps the epoch).
      const made = simPlayer(creds, i, i === 4 ? createDeviceClock({ syncAfterMs: Number.POSITIVE_INFINITY }) : createDeviceClock());
      players.push(made.player);
      playbacks.push(made.playback);
    }
    expect(await Promise.all(players.map((p) => p.start()))).toEqual([true, true, true, true, true]);
    for (const pb of playbacks) pb.start();
  });

  afterAll(async () => {
    for (const pb of playbacks) pb.stop();
    await Promise.all(players.map((p) => p.disconnect().catch(() => undefined)));
    await stack?.close();
  });

  it('provisions by code and shows every player online, the unsynced-clock one included', async () => {
    expect(codes).toHaveLength(5);
    for (const code of codes) expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    expect(players.every((p) => p.flavour === '3.1')).toBe(true);
    expect(players[4]!.clock.stamp()).toBe(UNSYNCED_TIMESTAMP);
    for (const p of players) {
      await until(async () => (await api<{ status: string }>('GET', `/api/v1/players/${p.key}`)).body.status === 'online', 10_000, `${p.key} online`);
    }
  });

  it('acts on each owner command; acknowledges only the OPC one', async () => {
    const [show, hashtagged] = [artworks[1]!, artworks[0]!];
    for (const p of players) {
      const pb = playbacks[players.indexOf(p)]!;
      let got = nextCommand(p, 'show_artwork');
      expect((await session.sendCommand(p.key, 'show_artwork', { postId: show.sqid })).status).toBe(202);
      await got;
      expect(pb.current).toMatchObject({ postId: show.id, intent: 'artwork' });

      got = nextCommand(p, 'play_channel');
      expect((await session.sendCommand(p.key, 'play_channel', { channelName: 'hashtag', hashtag: 'sim' })).status).toBe(202);
      await got;
      await until(() => pb.source === '#sim' && pb.current?.channelHashtag === 'sim', 10_000, 'the hashtag channel to play');
      expect(pb.current!.postId).toBe(artworks[2]!.id);

      got = nextCommand(p, 'swap_next');
      expect((await session.sendCommand(p.key, 'swap_next')).status).toBe(202);
      await got;
      await until(() => pb.current?.postId === hashtagged.id, 10_000, 'swap_next to advance');

      got = nextCommand(p, 'execute_playset');
      const channels = [{ type: 'named', name: 'all' }, { type: 'hashtag', identifier: 'sim' }];
      expect((await session.sendCommand(p.key, 'execute_playset', { name: 'mix', channels })).status).toBe(202);
      await got;
      await until(() => pb.source === 'playset:mix' && pb.current?.channel === 'all', 10_000, 'the playset to play');

      got = nextCommand(p, 'set_brightness');
      expect((await session.sendCommand(p.key, 'set_brightness', { value: 42 })).status).toBe(202);
      await got;
      expect(p.state.brightness).toBe(42);
    }
    for (const p of players) {
      await until(async () => {
        const log = await api<{ items: { commandType: string; ack: { status: string } | null }[] }>('GET', `/api/v1/players/${p.key}/commands`);
        return log.body.items.find((c) => c.commandType === 'set_brightness')?.ack?.status === 'ok';
      }, 10_000, 'the brightness ack');
      const log = await api<{ items: { commandType: string; ack: unknown }[] }>('GET', `/api/v1/players/${p.key}/commands`);
      expect(log.body.items.filter((c) => c.ack !== null).map((c) => c.commandType)).toEqual(['set_brightness']);
      expect(log.body.items).toHaveLength(5);
    }
  });

  it('reports views after 5 s (scaled) and counts one artwork view per owner per post per day', async () => {
    const shown = artworks[3]!.id;
    const viewsBefore = metrics.filter((m) => m.type === 'view').length;
    const sentViews = players.map((p) => new Promise((resolve) => {
      const on = (v: { post_id: number; intent: string }) => v.post_id === shown && v.intent === 'artwork' && (p.off('view', on), resolve(v));
      p.on('view', on);
    }));
    for (const p of players) expect((await session.sendCommand(p.key, 'show_artwork', { postId: artworks[3]!.sqid })).status).toBe(202);
    expect(await Promise.all(sentViews)).toEqual(players.map((p) => expect.objectContaining({ post_id: shown, intent: 'artwork', player_key: p.key })));
    // The first view comes 5 s (here 300 ms) after the artwork appeared, then every 30 s (here 1 s).
    await new Promise((r) => setTimeout(r, 1_500));
    expect(metrics.filter((m) => m.type === 'view').length - viewsBefore).toBeGreaterThanOrEqual(players.length * 2);
    await until(async () => (await stack.t.app.db.select().from(artworkViews).where(eq(artworkViews.postId, shown))).length > 0, 10_000, 'the artwork view');
    expect(await stack.t.app.db.select().from(artworkViews).where(eq(artworkViews.postId, shown))).toHaveLength(1);
  });

  it('a restarted player reconnects from its state without provisioning again', async () => {
    const old = players[0]!;
    playbacks[0]!.stop();
    await old.powerOff();
    const saved = await store.load(old.key);
    const { player, playback } = simPlayer(saved!, 0);
    players[0] = player;
    playbacks[0] = playback;
    expect(await player.start()).toBe(true);
    playback.start();
    const rows = await stack.t.app.db.select().from(playersTable).where(eq(playersTable.ownerId, owner.id));
    expect(rows).toHaveLength(5);
    const got = nextCommand(player, 'set_brightness');
    expect((await session.sendCommand(player.key, 'set_brightness', { value: 55 })).status).toBe(202);
    await got;
    expect(player.state.brightness).toBe(55);
  });

  it('rotates its token without credentials when it has none (the server may still refuse that today)', async () => {
    const p = players[1]!;
    const creds = (await store.load(p.key))!;
    await store.save({ ...creds, apiToken: null });
    playbacks[1]!.stop();
    await p.disconnect();
    const before = metrics.length;
    const { player, playback } = simPlayer({ ...creds, apiToken: null }, 1);
    players[1] = player;
    playbacks[1] = playback;
    expect(await player.start()).toBe(true);
    playback.start();
    const stored = (await store.load(p.key))!;
    const refused = metrics.slice(before).some((m) => m.type === 'error' && /^rotate_token_40[13]$/.test(m.what));
    // Until the server accepts a credential-less rotation (docs/device-protocol.md §2.5) it answers 401; either
    // way the device asked, and a 200 left a fresh token in its state.
    expect(refused || DEVICE_TOKEN_RE.test(stored.apiToken ?? '')).toBe(true);
    if (!refused) expect(stored.apiToken).not.toBe(creds.apiToken);
  });

  it('renews with its bearer token; a 401 makes it rotate the token without credentials first', async () => {
    const creds = (await store.load(players[3]!.key))!;
    const calls: string[] = [];
    const keeper = (c: typeof creds) => new CredentialKeeper(c, new DeviceHttp(stack.apiBaseUrl, { forwardedFor: fleetIp(3) }), createDeviceClock(), {
      save: async () => undefined, log: () => undefined, onHttp: (what, status) => void calls.push(`${what} ${status}`),
    });
    // Not due (1095 days left, the device renews within 45): nothing is sent.
    expect(await keeper(creds).renew()).toBe('not_due');
    expect(calls).toEqual([]);
    // A token the server does not know: renew-cert 401 → rotate without credentials → (if that is
    // granted) renew-cert once more with the new token, which the server then judges by its window.
    await keeper({ ...creds, apiToken: `mpx_live_${'A'.repeat(43)}` }).renew(true);
    expect(calls[0]).toBe('renew_cert 401');
    expect(calls[1]).toMatch(/^rotate_token (200|401|403)$/);
    if (calls[1] === 'rotate_token 200') expect(calls[2]).toMatch(/^renew_cert \d{3}$/);
    else expect(calls).toHaveLength(2);
  });

  it('comes back within its back-off window after the broker is killed; nothing is processed twice', async () => {
    const reconnectsBefore = players.map((p) => p.reconnects);
    const down = players.map((p) => new Promise((r) => p.once('disconnected', r)));
    await stack.killBroker();
    await Promise.all(down);
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.startBroker();
    const ready = Date.now();
    await until(() => players.every((p) => p.connected), 30_000, 'every player to reconnect');
    const worstDelay = backoffWindow(10, BACKOFF_SCALE).maxMs;
    // Back within the longest possible delay after the broker listened (plus TLS + subscribe time).
    expect(Date.now() - ready).toBeLessThan(worstDelay + 3_000);
    players.forEach((p, i) => expect(p.reconnects).toBe(reconnectsBefore[i]! + 1));
    // The api's own broker client reconnects too; commands sent before it has are refused (503).
    await until(() => stack.t.app.mqtt.connected, 30_000, 'the api to reconnect to the broker');

    const got = players.map((p) => nextCommand(p, 'set_brightness'));
    const sent = await session.broadcast('set_brightness', { value: 77 });
    expect(sent.status).toBe(202);
    await Promise.all(got);
    await new Promise((r) => setTimeout(r, 500));
    for (const p of players) {
      expect(p.state.brightness).toBe(77);
      expect([...p.commandArrivals.values()].every((n) => n === 1)).toBe(true);
    }
    await until(async () => {
      const logs = await Promise.all(players.map((p) => api<{ items: { ack: unknown; payload: { value?: number } }[] }>('GET', `/api/v1/players/${p.key}/commands`)));
      return logs.every((l) => l.body.items.filter((c) => c.payload.value === 77 && c.ack !== null).length === 1);
    }, 10_000, 'one ack per player for the broadcast');
    for (const p of players) await until(async () => (await api<{ status: string }>('GET', `/api/v1/players/${p.key}`)).body.status === 'online', 10_000, 'online after the restart');
  });
});
