import path from 'node:path';
import { users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { makePng } from '../../../test/fixtures/artwork-images.ts';
import { createArtist, uploadArtwork } from '../../../test/fixtures/posting.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { REPUTATION_POINTS } from './reputation.ts';

describe('reputation (users/reputation.ts; docs/product.md §2 upload tiers)', () => {
  let t: TestApp;
  let moderator: TestMember;
  beforeAll(async () => {
    t = await createTestApp({ VAULT_INCOMING_DIR: path.join(inject('scratchDir'), `incoming-rep-${process.pid}-${Date.now()}`) });
    moderator = await createMember(t, { role: 'moderator' });
  });
  afterAll(async () => t.close());

  const reputationOf = async (member: TestMember): Promise<number> => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: member.auth });
    expect(res.statusCode).toBe(200);
    return res.json().reputation;
  };
  const call = async (method: 'PUT' | 'DELETE' | 'POST', url: string, who: TestMember) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: who.auth });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  };
  const react = (who: TestMember, sqid: string, emoji: string, method: 'PUT' | 'DELETE' = 'PUT') =>
    call(method, `/posts/${sqid}/reactions/${encodeURIComponent(emoji)}`, who);

  it('counts each other member reacting to a post once, and takes it back with their last reaction', async () => {
    const [artist, fan, friend] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const other = await insertReadyPost(t, artist.id, { approved: true });

    await react(fan, post.sqid, '✨');
    expect(await reputationOf(artist)).toBe(1);
    // More emoji from the same member on the same post, or the same emoji again, add nothing.
    await react(fan, post.sqid, '🔥');
    await react(fan, post.sqid, '✨');
    expect(await reputationOf(artist)).toBe(1);
    // Another member, or the same member on another post, counts again.
    await react(friend, post.sqid, '✨');
    await react(fan, other.sqid, '✨');
    expect(await reputationOf(artist)).toBe(3);
    // The artist's own reactions are worth nothing.
    await react(artist, post.sqid, '✨');
    expect(await reputationOf(artist)).toBe(3);

    // Removing one of two emoji keeps the point; removing the last takes it back; repeating changes nothing.
    await react(fan, post.sqid, '🔥', 'DELETE');
    expect(await reputationOf(artist)).toBe(3);
    await react(fan, post.sqid, '✨', 'DELETE');
    await react(fan, post.sqid, '✨', 'DELETE');
    expect(await reputationOf(artist)).toBe(2);
    await react(artist, post.sqid, '✨', 'DELETE');
    expect(await reputationOf(artist)).toBe(2);
    expect(await reputationOf(fan)).toBe(0);
  });

  it('adds 10 per follower, takes it back on unfollow and when a block removes the follow', async () => {
    const [artist, a, b] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
    await call('PUT', `/users/${artist.sqid}/follow`, a);
    await call('PUT', `/users/${artist.sqid}/follow`, a);
    await call('PUT', `/users/${artist.sqid}/follow`, b);
    expect(await reputationOf(artist)).toBe(2 * REPUTATION_POINTS.follower);

    await call('DELETE', `/users/${artist.sqid}/follow`, a);
    await call('DELETE', `/users/${artist.sqid}/follow`, a);
    expect(await reputationOf(artist)).toBe(REPUTATION_POINTS.follower);

    // Blocking removes follows both ways, and with them what they were worth to each side.
    await call('PUT', `/users/${b.sqid}/follow`, artist);
    expect(await reputationOf(b)).toBe(REPUTATION_POINTS.follower);
    await call('PUT', `/users/${b.sqid}/block`, artist);
    expect(await reputationOf(artist)).toBe(0);
    expect(await reputationOf(b)).toBe(0);
  });

  it('adds 20 per promoted post and takes it back on unpromote', async () => {
    const artist = await createMember(t);
    const post = await insertReadyPost(t, artist.id, { approved: true });
    await call('POST', `/mod/posts/${post.sqid}/promote`, moderator);
    await call('POST', `/mod/posts/${post.sqid}/promote`, moderator);
    expect(await reputationOf(artist)).toBe(REPUTATION_POINTS.promotedPost);
    await call('POST', `/mod/posts/${post.sqid}/unpromote`, moderator);
    await call('POST', `/mod/posts/${post.sqid}/unpromote`, moderator);
    expect(await reputationOf(artist)).toBe(0);
  });

  it('never drops below 0', async () => {
    const [artist, fan] = await Promise.all([createMember(t), createMember(t)]);
    await call('PUT', `/users/${artist.sqid}/follow`, fan);
    // Reputation set by hand (e.g. the demo seed) below what the deltas assume.
    await t.app.db.update(users).set({ reputation: 3 }).where(eq(users.id, artist.id));
    await call('DELETE', `/users/${artist.sqid}/follow`, fan);
    expect(await reputationOf(artist)).toBe(0);
  });

  it('counts concurrent reactions of many members exactly', async () => {
    const artist = await createMember(t);
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const fans = await Promise.all(Array.from({ length: 4 }, () => createMember(t)));
    await Promise.all(fans.flatMap((fan) => ['a', 'b', 'c'].map((emoji) => react(fan, post.sqid, emoji))));
    expect(await reputationOf(artist)).toBe(4);
    await Promise.all(fans.flatMap((fan) => ['a', 'b', 'c'].map((emoji) => react(fan, post.sqid, emoji, 'DELETE'))));
    expect(await reputationOf(artist)).toBe(0);
  });

  it('makes the 16-per-hour upload tier reachable: five promoted posts lift a newcomer to 100', async () => {
    const artist = await createArtist(t, { reputation: 0 });
    for (let i = 0; i < 4; i++) expect((await uploadArtwork(t, artist, await makePng(8, 8))).statusCode).toBe(202);
    expect((await uploadArtwork(t, artist, await makePng(8, 8))).statusCode).toBe(429);

    const promote = async () => call('POST', `/mod/posts/${(await insertReadyPost(t, artist.id, { approved: true })).sqid}/promote`, moderator);
    for (let i = 0; i < 4; i++) await promote();
    expect(await reputationOf(artist)).toBe(80);
    expect((await uploadArtwork(t, artist, await makePng(8, 8))).statusCode).toBe(429);
    await promote();
    expect(await reputationOf(artist)).toBe(100);
    expect((await uploadArtwork(t, artist, await makePng(8, 8))).statusCode).toBe(202);
  });
});
