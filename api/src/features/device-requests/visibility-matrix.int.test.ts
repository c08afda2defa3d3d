import { artworkViews, blocks, reactions, users } from '@makapix/db';
import { topics } from '@makapix/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertArtwork } from '../../../test/fixtures/device-plane.ts';
import { connectAsFirmware } from '../../../test/fixtures/mtls-device.ts';
import { createWiredApp, type ProvisionedPlayer, provisionPlayer, waitFor, type WiredApp } from '../../../test/fixtures/players.ts';

// Issue 11 §5: every device request and event applies exactly the visibility the web applies to the
// player's owner. For each hidden state, the web's own answers to the owner are the oracle (open by
// link, react, appear in a feed) and the device's answers over MQTT (real mTLS session) and HTTPS
// must agree: refused with not_found (or the protocol's deleted / not_visible), never counted.

let t: WiredApp;
let owner: TestMember;
let player: ProvisionedPlayer;
let device: MqttClient;
const answers = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  t = await createWiredApp();
  owner = await createMember(t);
  player = await provisionPlayer(t, owner);
  device = await connectAsFirmware(t, player.key, player.credentials);
  device.on('message', (topic, payload) => answers.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>));
  await device.subscribeAsync([`makapix/player/${player.key}/response/#`, topics.viewAck(player.key)], { qos: 1 });
});
afterAll(async () => {
  await device?.endAsync(true);
  await t?.close();
});

interface State {
  name: string;
  /** Makes the post (and its artist) hidden from the owner in this one way; returns the post id. */
  make: (artist: TestMember, tag: string) => Promise<number>;
  /** What the web shows the owner, asserted too so the matrix cannot pass by everything being refused. */
  web: { byLink: boolean; inFeeds: boolean; interact: boolean };
}

const art = (artist: TestMember, tag: string, o: Parameters<typeof insertArtwork>[2] = {}) => insertArtwork(t, artist.id, { hashtags: [tag], ...o }).then((p) => p.id);
const STATES: State[] = [
  { name: 'visible (control)', make: (a, tag) => art(a, tag), web: { byLink: true, inFeeds: true, interact: true } },
  { name: 'hidden by a moderator', make: (a, tag) => art(a, tag, { hiddenByMod: true }), web: { byLink: false, inFeeds: false, interact: false } },
  { name: 'hidden by its artist', make: (a, tag) => art(a, tag, { hiddenByOwner: true }), web: { byLink: false, inFeeds: false, interact: false } },
  { name: 'deleted', make: (a, tag) => art(a, tag, { deleted: true }), web: { byLink: false, inFeeds: false, interact: false } },
  { name: 'not approved', make: (a, tag) => art(a, tag, { approved: false }), web: { byLink: true, inFeeds: false, interact: true } },
  { name: 'non-conformant', make: (a, tag) => art(a, tag, { nonConformant: true }), web: { byLink: false, inFeeds: false, interact: false } },
  { name: 'still processing', make: (a, tag) => art(a, tag, { state: 'processing' }), web: { byLink: false, inFeeds: false, interact: false } },
  {
    name: 'the owner blocked the artist',
    make: async (a, tag) => {
      await t.app.db.insert(blocks).values({ blockerId: owner.id, blockedId: a.id });
      return art(a, tag);
    },
    web: { byLink: false, inFeeds: false, interact: false },
  },
  {
    name: 'the artist blocked the owner',
    make: async (a, tag) => {
      await t.app.db.insert(blocks).values({ blockerId: a.id, blockedId: owner.id });
      return art(a, tag);
    },
    // docs/product.md §4: the blocked member still sees the artist's posts, but may not react or comment.
    web: { byLink: true, inFeeds: true, interact: false },
  },
  { name: 'a monitored hashtag the owner did not opt in to', make: (a, tag) => insertArtwork(t, a.id, { hashtags: [tag, 'nsfw'] }).then((p) => p.id), web: { byLink: false, inFeeds: false, interact: false } },
  {
    name: 'the artist is banned',
    make: async (a, tag) => {
      await t.app.db.update(users).set({ bannedUntil: sql`now() + interval '1 day'` }).where(eq(users.id, a.id));
      return art(a, tag);
    },
    web: { byLink: false, inFeeds: false, interact: false },
  },
  {
    name: 'the artist is hidden by a moderator',
    make: async (a, tag) => {
      await t.app.db.update(users).set({ hiddenAt: new Date() }).where(eq(users.id, a.id));
      return art(a, tag);
    },
    web: { byLink: false, inFeeds: false, interact: false },
  },
];

let counter = 0;
const rid = () => (++counter).toString(16).padStart(32, '0');
const UNAVAILABLE = ['not_found', 'deleted', 'not_visible'];

/** One request over MQTT (as the firmware sends it) and the same over HTTPS: both answers. */
async function askBoth(body: Record<string, unknown>): Promise<[Record<string, unknown>, Record<string, unknown>]> {
  const id = rid();
  await device.publishAsync(topics.request(player.key, id), JSON.stringify({ ...body, request_id: id, player_key: player.key }), { qos: 1 });
  const viaMqtt = await waitFor(() => answers.get(topics.response(player.key, id)), 10_000, `the answer to ${id}`);
  const res = await t.app.inject({ method: 'POST', url: '/api/player/rpc', headers: player.deviceAuth, payload: { ...body, request_id: rid() } });
  expect(res.statusCode, res.body).toBe(200);
  return [viaMqtt, res.json()];
}

/** The per-player limits (60 reads/min, one view per 5 s) are not what this matrix is about. */
async function resetDeviceLimits(): Promise<void> {
  const keys = await t.app.redis.keys('makapix:rl:device*');
  if (keys.length > 0) await t.app.redis.del(...keys);
}

describe.each(STATES)('$name', (state) => {
  let artist: TestMember;
  let postId: number;
  let sqid: string;
  const tag = `matrix${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    artist = await createMember(t);
    postId = await state.make(artist, tag);
    sqid = t.app.publicId.encode(postId);
    await resetDeviceLimits();
  });

  it('the web answers the owner as expected (the oracle)', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/posts/${sqid}`, headers: owner.auth });
    expect(page.statusCode === 200).toBe(state.web.byLink);
    const feed = await t.app.inject({ method: 'GET', url: `/api/v1/feeds/hashtags/${tag}`, headers: owner.auth });
    expect(feed.json().items.some((i: { id: string }) => i.id === sqid)).toBe(state.web.inFeeds);
  });

  it('get_post and get_comments', async () => {
    for (const request of [{ request_type: 'get_post', post_id: postId }, { request_type: 'get_comments', post_id: postId }]) {
      for (const answer of await askBoth(request)) {
        expect(answer.success, `${request.request_type} ${JSON.stringify(answer)}`).toBe(state.web.byLink);
        if (!state.web.byLink) expect(UNAVAILABLE).toContain(answer.error_code);
      }
    }
  });

  it('query_posts: the hashtag and by_user channels', async () => {
    for (const request of [
      { request_type: 'query_posts', channel: 'hashtag', hashtag: tag },
      { request_type: 'query_posts', channel: 'by_user', user_handle: artist.handle },
    ]) {
      for (const answer of await askBoth(request)) {
        const ids = ((answer.posts as { post_id: number }[] | undefined) ?? []).map((p) => p.post_id);
        expect(ids.includes(postId), `${request.channel} ${JSON.stringify(answer)}`).toBe(state.web.inFeeds);
      }
    }
  });

  it('submit_reaction / revoke_reaction: refused where the web refuses, nothing stored', async () => {
    const [mqtt, https] = await askBoth({ request_type: 'submit_reaction', post_id: postId, emoji: '👍' });
    for (const answer of [mqtt, https]) {
      expect(answer.success, JSON.stringify(answer)).toBe(state.web.interact);
      if (!state.web.interact) expect(UNAVAILABLE).toContain(answer.error_code);
    }
    const stored = await t.app.db.select().from(reactions).where(and(eq(reactions.postId, postId), eq(reactions.userId, owner.id)));
    expect(stored.length > 0).toBe(state.web.interact);
    const web = await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${sqid}/reactions/${encodeURIComponent('👍')}`, headers: owner.auth });
    expect(web.statusCode < 300).toBe(state.web.interact);
    for (const answer of await askBoth({ request_type: 'revoke_reaction', post_id: postId, emoji: '👍' })) {
      if (!state.web.byLink) expect(UNAVAILABLE).toContain(answer.error_code);
    }
  });

  it('views over MQTT and HTTPS: not_found and not counted where the web 404s', async () => {
    const views = async () => (await t.app.db.select().from(artworkViews).where(eq(artworkViews.postId, postId))).length;
    const view = (ms: number) => ({ post_id: postId, timestamp: new Date(Date.now() - ms).toISOString(), timezone: 'UTC', intent: 'artwork', play_order: 0, channel: 'all' });

    await resetDeviceLimits();
    answers.delete(topics.viewAck(player.key));
    await device.publishAsync(topics.view(player.key), JSON.stringify({ ...view(1000), player_key: player.key, request_ack: true }), { qos: 1 });
    const ack = await waitFor(() => answers.get(topics.viewAck(player.key)), 10_000, 'the view ack');
    if (state.web.byLink) expect(ack).toEqual({ success: true });
    else expect(ack).toMatchObject({ success: false, error_code: 'not_found' });

    await resetDeviceLimits();
    const res = await t.app.inject({ method: 'POST', url: '/api/player/events/view', headers: player.deviceAuth, payload: view(2000) });
    expect(res.statusCode, res.body).toBe(state.web.byLink ? 202 : 404);
    expect(await views()).toBe(state.web.byLink ? 1 : 0);
  });
});
