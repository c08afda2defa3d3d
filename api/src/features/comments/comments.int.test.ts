import { comments, posts } from '@makapix/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('comments', () => {
  let t: TestApp;
  let artist: TestMember;
  let alice: TestMember;
  let bob: TestMember;
  let moderator: TestMember;
  let post: SeededPost;

  const postComment = (m: TestMember, body: string, opts: { parentId?: string; post?: SeededPost } = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/posts/${(opts.post ?? post).sqid}/comments`,
      headers: m.auth,
      payload: { body, ...(opts.parentId ? { parentId: opts.parentId } : {}) },
    });
  const thread = (sqid: string, m?: TestMember, query = '') =>
    t.app.inject({ method: 'GET', url: `/api/v1/posts/${sqid}/comments${query}`, ...(m ? { headers: m.auth } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    [artist, alice, bob, moderator] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t, { role: 'moderator' })]);
    post = await insertReadyPost(t, artist.id, { approved: true });
  });
  afterAll(async () => t.close());

  it('threads replies to depth 2 and refuses a third level with comment_too_deep', async () => {
    const p = await insertReadyPost(t, artist.id, { approved: true });
    const root = await postComment(alice, 'lovely palette', { post: p });
    expect(root.statusCode).toBe(201);
    expect(root.json()).toMatchObject({ depth: 0, parentId: null, state: 'visible', body: 'lovely palette', author: { id: alice.sqid, handle: alice.handle }, editedAt: null });
    const reply = await postComment(bob, 'agreed', { post: p, parentId: root.json().id });
    expect(reply.json()).toMatchObject({ depth: 1, parentId: root.json().id });
    const deep = await postComment(alice, 'thanks', { post: p, parentId: reply.json().id });
    expect(deep.json()).toMatchObject({ depth: 2, parentId: reply.json().id });
    const tooDeep = await postComment(bob, 'one more', { post: p, parentId: deep.json().id });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().error.code).toBe('comment_too_deep');

    const res = await thread(p.sqid);
    expect(res.statusCode).toBe(200);
    const [only] = res.json().items;
    expect(res.json().items).toHaveLength(1);
    expect(only.id).toBe(root.json().id);
    expect(only.replies).toHaveLength(1);
    expect(only.replies[0].id).toBe(reply.json().id);
    expect(only.replies[0].replies.map((c: { id: string }) => c.id)).toEqual([deep.json().id]);
  });

  it('refuses a parent on another post, bad bodies, visitors and invisible posts', async () => {
    const other = await insertReadyPost(t, artist.id, { approved: true });
    const foreign = await postComment(alice, 'elsewhere', { post: other });
    const wrongPost = await postComment(alice, 'x', { parentId: foreign.json().id });
    expect(wrongPost.statusCode).toBe(404);

    for (const body of ['', '   ', 'x'.repeat(2001)]) {
      const res = await postComment(alice, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
    // 2000 characters counted in code points, not UTF-16 units.
    expect((await postComment(alice, '😀'.repeat(2000))).statusCode).toBe(201);

    const anon = await t.app.inject({ method: 'POST', url: `/api/v1/posts/${post.sqid}/comments`, payload: { body: 'hi' } });
    expect(anon.statusCode).toBe(401);

    const hidden = await insertReadyPost(t, artist.id, { approved: true });
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, hidden.id));
    expect((await postComment(alice, 'hi', { post: hidden })).statusCode).toBe(404);
    expect((await thread(hidden.sqid, alice)).statusCode).toBe(404);
  });

  it('soft delete keeps the thread shape with body and author withheld; a deleted leaf drops out', async () => {
    const p = await insertReadyPost(t, artist.id, { approved: true });
    const root = (await postComment(alice, 'first', { post: p })).json();
    const reply = (await postComment(bob, 'second', { post: p, parentId: root.id })).json();
    const leaf = (await postComment(bob, 'leaf', { post: p })).json();

    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/comments/${root.id}`, headers: alice.auth });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/comments/${root.id}`, headers: alice.auth })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/comments/${leaf.id}`, headers: bob.auth })).statusCode).toBe(204);

    const items = (await thread(p.sqid)).json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: root.id, state: 'deleted', body: null, author: null });
    expect(items[0].replies[0]).toMatchObject({ id: reply.id, state: 'visible', body: 'second' });
    // The row is still there: soft delete, not removal.
    const [row] = await t.app.db.select({ deletedAt: comments.deletedAt }).from(comments).where(eq(comments.id, t.app.publicId.decode(root.id)!));
    expect(row?.deletedAt).toBeInstanceOf(Date);
  });

  it('lets only the author edit (sets editedAt) or delete', async () => {
    const c = (await postComment(alice, 'typo')).json();
    const byBob = await t.app.inject({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: bob.auth, payload: { body: 'hijack' } });
    expect(byBob.statusCode).toBe(403);
    const byMod = await t.app.inject({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: moderator.auth, payload: { body: 'hijack' } });
    expect(byMod.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/comments/${c.id}`, headers: bob.auth })).statusCode).toBe(403);

    const edited = await t.app.inject({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: alice.auth, payload: { body: 'fixed' } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().body).toBe('fixed');
    expect(edited.json().editedAt).not.toBeNull();

    await t.app.inject({ method: 'DELETE', url: `/api/v1/comments/${c.id}`, headers: alice.auth });
    const afterDelete = await t.app.inject({ method: 'PATCH', url: `/api/v1/comments/${c.id}`, headers: alice.auth, payload: { body: 'again' } });
    expect(afterDelete.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/comments/nope', headers: alice.auth, payload: { body: 'x' } })).statusCode).toBe(404);
  });

  it('hides moderator-hidden comments from others but not from their author or moderators', async () => {
    const p = await insertReadyPost(t, artist.id, { approved: true });
    const hidden = (await postComment(alice, 'rude', { post: p })).json();
    (await postComment(bob, 'still here', { post: p, parentId: hidden.id })).json();
    const hiddenLeaf = (await postComment(alice, 'ruder', { post: p })).json();
    await t.app.db.update(comments).set({ hiddenAt: new Date() }).where(sql`${comments.id} in (${t.app.publicId.decode(hidden.id)}, ${t.app.publicId.decode(hiddenLeaf.id)})`);

    const forBob = (await thread(p.sqid, bob)).json().items;
    expect(forBob.map((c: { id: string }) => c.id)).toEqual([hidden.id]);
    expect(forBob[0]).toMatchObject({ state: 'hidden', body: null, author: null });
    expect(forBob[0].replies[0].body).toBe('still here');

    const forAlice = (await thread(p.sqid, alice)).json().items;
    expect(forAlice.map((c: { body: string }) => c.body)).toEqual(['rude', 'ruder']);
    expect(forAlice[0].state).toBe('hidden');
    const forMod = (await thread(p.sqid, moderator)).json().items;
    expect(forMod.map((c: { body: string }) => c.body)).toEqual(['rude', 'ruder']);
    // Replying to a comment one cannot read is refused.
    expect((await postComment(bob, 'reply', { post: p, parentId: hiddenLeaf.id })).statusCode).toBe(404);
  });

  it('pages roots oldest first with a keyset cursor', async () => {
    const p = await insertReadyPost(t, artist.id, { approved: true });
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push((await postComment(bob, body, { post: p })).json().id);
    const first = (await thread(p.sqid, undefined, '?limit=2')).json();
    expect(first.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await thread(p.sqid, undefined, `?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(2));
    expect(second.nextCursor).toBeNull();
    const bad = await thread(p.sqid, undefined, '?cursor=garbage');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_error');
  });

  it('refuses the 1001st comment on a post with comment_limit_reached', async () => {
    const p = await insertReadyPost(t, artist.id, { approved: true });
    await t.app.db.execute(sql`insert into comments (post_id, author_id, body) select ${p.id}, ${artist.id}, 'filler' from generate_series(1, 1000)`);
    const res = await postComment(bob, 'one too many', { post: p });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('comment_limit_reached');
  });

  it('rate limits comments to 30 per 5 minutes per member', async () => {
    const chatty = await createMember(t);
    for (let i = 0; i < 30; i++) expect((await postComment(chatty, `comment ${i}`)).statusCode).toBe(201);
    const limited = await postComment(chatty, 'one more');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Per member: someone else still comments.
    expect((await postComment(bob, 'my turn')).statusCode).toBe(201);
  });
});
