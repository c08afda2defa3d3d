import { notifications } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { NOTIFICATION_CAP_PER_HOUR, notificationCapKey, notify } from './service.ts';

describe('notifications', () => {
  let t: TestApp;
  let artist: TestMember;
  let fan: TestMember;
  let replier: TestMember;
  let post: SeededPost;

  const inbox = async (m: TestMember, query = '') => (await t.app.inject({ method: 'GET', url: `/api/v1/notifications${query}`, headers: m.auth })).json();
  const unread = async (m: TestMember) => (await t.app.inject({ method: 'GET', url: '/api/v1/notifications/unread-count', headers: m.auth })).json().count;
  const comment = (m: TestMember, body: string, parentId?: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1/posts/${post.sqid}/comments`, headers: m.auth, payload: { body, ...(parentId ? { parentId } : {}) } });
  const clear = async (...members: TestMember[]) => {
    for (const m of members) await t.app.db.delete(notifications).where(eq(notifications.recipientId, m.id));
  };

  beforeAll(async () => {
    t = await createTestApp();
    [artist, fan, replier] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
    post = await insertReadyPost(t, artist.id, { approved: true });
  });
  afterAll(async () => t.close());

  it('notifies the artist of a reaction, once, and not of their own', async () => {
    await clear(artist);
    await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/${encodeURIComponent('🎨')}`, headers: fan.auth });
    await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/${encodeURIComponent('🎨')}`, headers: fan.auth });
    await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/self`, headers: artist.auth });
    const { items } = await inbox(artist);
    expect(items).toEqual([
      {
        id: expect.any(String),
        type: 'reaction',
        actor: { id: fan.sqid, handle: fan.handle, avatarUrl: null },
        postId: post.sqid,
        commentId: null,
        data: { emoji: '🎨' },
        read: false,
        createdAt: expect.any(String),
      },
    ]);
    expect(await unread(artist)).toBe(1);
  });

  it('notifies the artist of comments and the parent author of replies, never oneself', async () => {
    await clear(artist, fan, replier);
    const root = (await comment(fan, 'great')).json();
    const reply = (await comment(replier, 'indeed', root.id)).json();
    // The artist replying on their own post: the parent author hears of it, the artist does not.
    await comment(artist, 'thank you', root.id);
    // A reply to the artist's own comment is one `reply`, not also a `comment`.
    const artistRoot = (await comment(artist, 'wip')).json();
    await comment(fan, 'cool', artistRoot.id);

    const forArtist = (await inbox(artist)).items.map((n: { type: string; actor: { id: string }; commentId: string }) => [n.type, n.actor.id]);
    expect(forArtist).toEqual([
      ['reply', fan.sqid],
      ['comment', replier.sqid],
      ['comment', fan.sqid],
    ]);
    const forFan = (await inbox(fan)).items.map((n: { type: string; actor: { id: string } }) => [n.type, n.actor.id]);
    expect(forFan).toEqual([
      ['reply', artist.sqid],
      ['reply', replier.sqid],
    ]);
    expect((await inbox(fan)).items[1]).toMatchObject({ postId: post.sqid, commentId: reply.id });
    expect((await inbox(replier)).items).toEqual([]);
  });

  it('notifies of a new follow only', async () => {
    await clear(artist);
    await t.app.inject({ method: 'PUT', url: `/api/v1/users/${artist.sqid}/follow`, headers: replier.auth });
    await t.app.inject({ method: 'PUT', url: `/api/v1/users/${artist.sqid}/follow`, headers: replier.auth });
    expect((await inbox(artist)).items.map((n: { type: string }) => n.type)).toEqual(['follow']);
  });

  it('marks one or all read; another member\'s notification is not found', async () => {
    await clear(artist);
    for (const e of ['1', '2', '3']) await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/${e}`, headers: replier.auth });
    const { items } = await inbox(artist);
    expect(await unread(artist)).toBe(3);

    const foreign = await t.app.inject({ method: 'POST', url: `/api/v1/notifications/${items[0].id}/read`, headers: fan.auth });
    expect(foreign.statusCode).toBe(404);
    expect(await unread(artist)).toBe(3);

    const one = await t.app.inject({ method: 'POST', url: `/api/v1/notifications/${items[0].id}/read`, headers: artist.auth });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ count: 2 });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/notifications/${items[0].id}/read`, headers: artist.auth })).json()).toEqual({ count: 2 });
    expect((await inbox(artist, '?unread=true')).items.map((n: { id: string }) => n.id)).toEqual([items[1].id, items[2].id]);
    expect((await inbox(artist)).items[0].read).toBe(true);

    const all = await t.app.inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers: artist.auth });
    expect(all.json()).toEqual({ count: 0 });
    expect(await unread(artist)).toBe(0);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/notifications/nope/read', headers: artist.auth })).statusCode).toBe(404);
  });

  it('pages the inbox newest first and requires a member', async () => {
    await clear(artist);
    for (const e of ['a', 'b', 'c']) await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/${e}`, headers: fan.auth });
    const page1 = await inbox(artist, '?limit=2');
    expect(page1.items.map((n: { data: { emoji: string } }) => n.data.emoji)).toEqual(['c', 'b']);
    const page2 = await inbox(artist, `?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((n: { data: { emoji: string } }) => n.data.emoji)).toEqual(['a']);
    expect(page2.nextCursor).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/notifications/unread-count' })).statusCode).toBe(401);
  });

  it('skips self-notifications and blocked pairs', async () => {
    await clear(artist);
    expect(await notify(t.app, { recipientId: artist.id, actorId: artist.id, type: 'follow' })).toBe(false);
    const blocked = await createMember(t);
    await t.app.inject({ method: 'PUT', url: `/api/v1/users/${blocked.sqid}/block`, headers: artist.auth });
    expect(await notify(t.app, { recipientId: artist.id, actorId: blocked.id, type: 'follow' })).toBe(false);
    expect(await notify(t.app, { recipientId: blocked.id, actorId: artist.id, type: 'follow' })).toBe(false);
    expect(await unread(artist)).toBe(0);
    // System notifications (no actor) always go through.
    expect(await notify(t.app, { recipientId: artist.id, actorId: null, type: 'post_approved', postId: post.id })).toBe(true);
  });

  it('never throws: a failed notification must not fail the action that caused it', async () => {
    await expect(notify(t.app, { recipientId: 2_000_000_000, actorId: null, type: 'moderation' })).resolves.toBe(false);
  });

  it(`stores at most ${NOTIFICATION_CAP_PER_HOUR} per hour per actor→recipient pair`, async () => {
    const actor = await createMember(t);
    const recipient = await createMember(t);
    await t.app.redis.set(notificationCapKey(actor.id, recipient.id), NOTIFICATION_CAP_PER_HOUR - 1, 'EX', 3600);
    expect(await notify(t.app, { recipientId: recipient.id, actorId: actor.id, type: 'follow' })).toBe(true);
    expect(await notify(t.app, { recipientId: recipient.id, actorId: actor.id, type: 'follow' })).toBe(false);
    expect(await unread(recipient)).toBe(1);
    // The cap is per pair: the same actor still reaches someone else.
    expect(await notify(t.app, { recipientId: fan.id, actorId: actor.id, type: 'follow' })).toBe(true);

    const a2 = await createMember(t);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await notify(t.app, { recipientId: recipient.id, actorId: a2.id, type: 'follow' }, { capPerHour: 3 }));
    expect(results).toEqual([true, true, true, false]);
  });
});
