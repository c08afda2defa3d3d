import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertComment, insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('blocks', () => {
  let t: TestApp;
  let blocker: TestMember;
  let blocked: TestMember;
  let bystander: TestMember;
  let blockerPost: SeededPost;
  let blockedPost: SeededPost;
  let bystanderPost: SeededPost;

  const block = (m: TestMember, target: string, method: 'PUT' | 'DELETE' = 'PUT') => t.app.inject({ method, url: `/api/v1/users/${target}/block`, headers: m.auth });
  const follow = (m: TestMember, target: TestMember) => t.app.inject({ method: 'PUT', url: `/api/v1/users/${target.sqid}/follow`, headers: m.auth });
  const react = (m: TestMember, p: SeededPost) => t.app.inject({ method: 'PUT', url: `/api/v1/posts/${p.sqid}/reactions/${encodeURIComponent('👍')}`, headers: m.auth });
  const comment = (m: TestMember, p: SeededPost, parentId?: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1/posts/${p.sqid}/comments`, headers: m.auth, payload: { body: 'hello', ...(parentId ? { parentId } : {}) } });
  const followers = async (m: TestMember) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/users/${m.sqid}/followers` })).json().items.map((i: { member: { id: string } }) => i.member.id);
  const expectBlocked = (res: { statusCode: number; json(): { error: { code: string } } }) => {
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('blocked');
  };

  beforeAll(async () => {
    t = await createTestApp();
    [blocker, blocked, bystander] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
    blockerPost = await insertReadyPost(t, blocker.id, { approved: true });
    blockedPost = await insertReadyPost(t, blocked.id, { approved: true });
    bystanderPost = await insertReadyPost(t, bystander.id, { approved: true });
  });
  afterAll(async () => t.close());

  it('blocks idempotently, removes follows both ways and lists the block', async () => {
    await follow(blocker, blocked);
    await follow(blocked, blocker);
    const res = await block(blocker, blocked.sqid);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ blocked: true });
    expect((await block(blocker, blocked.sqid)).statusCode).toBe(200);
    expect(await followers(blocker)).toEqual([]);
    expect(await followers(blocked)).toEqual([]);

    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/me/blocks', headers: blocker.auth });
    expect(mine.json().items).toEqual([{ member: { id: blocked.sqid, handle: blocked.handle, avatarUrl: null }, blockedAt: expect.any(String) }]);
    // The list is the caller's own: the blocked member does not see it as theirs.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/blocks', headers: blocked.auth })).json().items).toEqual([]);
  });

  it('refuses comments, reactions and follows both ways with 403 blocked', async () => {
    expectBlocked(await comment(blocked, blockerPost));
    expectBlocked(await comment(blocker, blockedPost));
    expectBlocked(await react(blocked, blockerPost));
    expectBlocked(await react(blocker, blockedPost));
    expectBlocked(await follow(blocked, blocker));
    expectBlocked(await follow(blocker, blocked));
  });

  it('refuses replies across a block on a third member\'s post', async () => {
    const byBlocker = await insertComment(t, bystanderPost.id, blocker.id);
    const byBlocked = await insertComment(t, bystanderPost.id, blocked.id);
    expectBlocked(await comment(blocked, bystanderPost, byBlocker.sqid));
    expectBlocked(await comment(blocker, bystanderPost, byBlocked.sqid));
    // Top-level comments on the bystander's post are fine for both.
    expect((await comment(blocked, bystanderPost)).statusCode).toBe(201);
  });

  it('withholds the blocked member\'s comments from the blocker only', async () => {
    const p = await insertReadyPost(t, bystander.id, { approved: true });
    await insertComment(t, p.id, blocked.id, 'from the blocked one');
    const forBlocker = await t.app.inject({ method: 'GET', url: `/api/v1/posts/${p.sqid}/comments`, headers: blocker.auth });
    expect(forBlocker.json().items).toEqual([]);
    const forBystander = await t.app.inject({ method: 'GET', url: `/api/v1/posts/${p.sqid}/comments`, headers: bystander.auth });
    expect(forBystander.json().items[0].body).toBe('from the blocked one');
  });

  it('refuses self-blocks, unknown members and visitors', async () => {
    const self = await block(blocker, blocker.sqid);
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('cannot_block_self');
    expect((await block(blocker, 'zzzzzzzz')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/users/${blocked.sqid}/block` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/blocks' })).statusCode).toBe(401);
  });

  it('unblocking (idempotent) allows interaction again; only the blocker can lift a block', async () => {
    // The blocked member "unblocking" the blocker changes nothing: the block is not theirs.
    expect((await block(blocked, blocker.sqid, 'DELETE')).statusCode).toBe(200);
    expectBlocked(await follow(blocked, blocker));

    const res = await block(blocker, blocked.sqid, 'DELETE');
    expect(res.json()).toEqual({ blocked: false });
    expect((await block(blocker, blocked.sqid, 'DELETE')).statusCode).toBe(200);
    expect((await follow(blocked, blocker)).statusCode).toBe(200);
    expect((await react(blocker, blockedPost)).statusCode).toBe(200);
    expect((await comment(blocked, blockerPost)).statusCode).toBe(201);
  });
});
