import { posts, users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { auditRowsFor, inVisitorFeeds, notificationsOf } from '../../../test/fixtures/moderation.ts';
import { insertComment, insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('moderation of posts and comments', () => {
  let t: TestApp;
  let mod: TestMember;
  let artist: TestMember;
  let other: TestMember;
  beforeAll(async () => {
    t = await createTestApp();
    mod = await createMember(t, { role: 'moderator' });
    artist = await createMember(t);
    other = await createMember(t);
  });
  afterAll(async () => t.close());

  const act = (who: TestMember | null, url: string, payload?: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/mod${url}`, headers: who ? who.auth : {}, ...(payload ? { payload } : {}) });

  it('refuses every content action to plain members (403) and visitors (401), changing nothing', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const comment = await insertComment(t, post.id, artist.id);
    const urls = ['hide', 'unhide', 'approve', 'promote', 'unpromote'].map((a) => `/posts/${post.sqid}/${a}`);
    urls.push(`/comments/${comment.sqid}/hide`, `/comments/${comment.sqid}/unhide`);
    for (const url of urls) {
      const asMember = await act(other, url);
      expect(asMember.statusCode, url).toBe(403);
      expect(asMember.json().error.code).toBe('forbidden');
      expect((await act(null, url)).statusCode, url).toBe(401);
    }
    const [row] = await t.app.db.select().from(posts).where(eq(posts.id, post.id));
    expect(row?.hiddenByModAt).toBeNull();
    expect(row?.promotedAt).toBeNull();
    expect(await auditRowsFor(t, 'post', post.id)).toEqual([]);
  });

  it('hides and unhides a post: gone from public feeds meanwhile, audited, the artist notified', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    expect(await inVisitorFeeds(t, post.id)).toBe(true);

    const hidden = await act(mod, `/posts/${post.sqid}/hide`, { reason: 'off-topic' });
    expect(hidden.statusCode).toBe(200);
    expect(hidden.json()).toMatchObject({ id: post.sqid, ownerId: artist.sqid, hiddenByModAt: expect.any(String) });
    expect(await inVisitorFeeds(t, post.id)).toBe(false);

    // Repeating a hide changes nothing and is not audited twice.
    const again = await act(mod, `/posts/${post.sqid}/hide`);
    expect(again.statusCode).toBe(200);
    expect(again.json().hiddenByModAt).toBe(hidden.json().hiddenByModAt);

    const shown = await act(mod, `/posts/${post.sqid}/unhide`);
    expect(shown.json().hiddenByModAt).toBeNull();
    expect(await inVisitorFeeds(t, post.id)).toBe(true);

    const audit = await auditRowsFor(t, 'post', post.id);
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([['post.hide', mod.id], ['post.unhide', mod.id]]);
    expect(audit[0]?.details).toEqual({ reason: 'off-topic' });
    const inbox = (await notificationsOf(t, artist.id)).filter((n) => n.postId === post.id);
    expect(inbox.map((n) => [n.type, n.data?.action])).toEqual([['moderation', 'post.hide'], ['moderation', 'post.unhide']]);
  });

  it('approves a post: it enters the public feeds and the artist gets post_approved', async () => {
    const post = await insertReadyPost(t, artist.id);
    expect(await inVisitorFeeds(t, post.id)).toBe(false);
    const res = await act(mod, `/posts/${post.sqid}/approve`);
    expect(res.statusCode).toBe(200);
    expect(res.json().approvedAt).toEqual(expect.any(String));
    expect(await inVisitorFeeds(t, post.id)).toBe(true);
    expect((await auditRowsFor(t, 'post', post.id)).map((a) => a.action)).toEqual(['post.approve']);
    const inbox = (await notificationsOf(t, artist.id)).filter((n) => n.postId === post.id);
    expect(inbox.map((n) => n.type)).toEqual(['post_approved']);
  });

  it('promotes only approved posts, notifies post_promoted, and unpromotes', async () => {
    const pending = await insertReadyPost(t, artist.id);
    const refused = await act(mod, `/posts/${pending.sqid}/promote`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('post_not_approved');

    const post = await insertReadyPost(t, artist.id, { approved: true });
    const promoted = await act(mod, `/posts/${post.sqid}/promote`);
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json().promotedAt).toEqual(expect.any(String));
    const unpromoted = await act(mod, `/posts/${post.sqid}/unpromote`);
    expect(unpromoted.json().promotedAt).toBeNull();

    expect((await auditRowsFor(t, 'post', post.id)).map((a) => a.action)).toEqual(['post.promote', 'post.unpromote']);
    const inbox = (await notificationsOf(t, artist.id)).filter((n) => n.postId === post.id);
    expect(inbox.map((n) => n.type)).toEqual(['post_promoted']);
  });

  it('answers 404 for unknown, malformed and deleted posts and comments', async () => {
    const post = await insertReadyPost(t, artist.id);
    await t.app.db.update(posts).set({ deletedAt: new Date() }).where(eq(posts.id, post.id));
    for (const url of [`/posts/${post.sqid}/approve`, `/posts/${t.app.publicId.encode(987654)}/hide`, '/posts/not-a-sqid!/hide', '/comments/zzzzzz/hide']) {
      const res = await act(mod, url);
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('rejects an unknown body field or an empty reason with 400', async () => {
    const post = await insertReadyPost(t, artist.id);
    for (const payload of [{ reason: '' }, { why: 'x' }]) {
      const res = await act(mod, `/posts/${post.sqid}/hide`, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
  });

  it('hides and unhides a comment, audited, with the author notified', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const comment = await insertComment(t, post.id, other.id);
    const visitorBody = async () => {
      const thread = await t.app.inject({ method: 'GET', url: `/api/v1/posts/${post.sqid}/comments` });
      expect(thread.statusCode).toBe(200);
      return (thread.json().items as { id: string; body: string | null }[]).find((c) => c.id === comment.sqid)?.body ?? null;
    };
    expect(await visitorBody()).toBe('nice pixels');
    const hidden = await act(mod, `/comments/${comment.sqid}/hide`, { reason: 'rude' });
    expect(hidden.statusCode).toBe(200);
    expect(hidden.json()).toMatchObject({ id: comment.sqid, postId: post.sqid, authorId: other.sqid, hiddenAt: expect.any(String) });
    // Visitors no longer read it (the thread may keep its place with the body withheld).
    expect(await visitorBody()).toBeNull();
    const shown = await act(mod, `/comments/${comment.sqid}/unhide`);
    expect(shown.json().hiddenAt).toBeNull();
    expect(await visitorBody()).toBe('nice pixels');

    const audit = await auditRowsFor(t, 'comment', comment.id);
    expect(audit.map((a) => [a.action, a.actorId, a.details])).toEqual([
      ['comment.hide', mod.id, { reason: 'rude' }],
      ['comment.unhide', mod.id, {}],
    ]);
    const inbox = (await notificationsOf(t, other.id)).filter((n) => n.commentId === comment.id);
    expect(inbox.map((n) => n.data?.action)).toEqual(['comment.hide', 'comment.unhide']);
  });

  it('grants and revokes trusted; only moderators may', async () => {
    const member = await createMember(t);
    expect((await act(other, `/users/${member.sqid}/trust`)).statusCode).toBe(403);
    const granted = await act(mod, `/users/${member.sqid}/trust`);
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toMatchObject({ id: member.sqid, trusted: true });
    const [row] = await t.app.db.select({ trusted: users.trusted }).from(users).where(eq(users.id, member.id));
    expect(row?.trusted).toBe(true);
    expect((await act(mod, `/users/${member.sqid}/untrust`)).json().trusted).toBe(false);
    expect((await auditRowsFor(t, 'user', member.id)).map((a) => a.action)).toEqual(['user.trust', 'user.untrust']);
  });
});
