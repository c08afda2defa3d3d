import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('audit log', () => {
  let t: TestApp;
  let owner: TestMember;
  let mod: TestMember;
  let member: TestMember;
  let postSqid: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await createMember(t, { role: 'owner' });
    mod = await createMember(t, { role: 'moderator' });
    member = await createMember(t);
    const post = await insertReadyPost(t, member.id);
    postSqid = post.sqid;
    const act = (who: TestMember, url: string, payload?: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1/mod${url}`, headers: who.auth, ...(payload ? { payload } : {}) });
    for (const res of [
      await act(mod, `/posts/${post.sqid}/approve`),
      await act(mod, `/users/${member.sqid}/trust`),
      await act(owner, `/posts/${post.sqid}/hide`, { reason: 'checking' }),
      await act(owner, `/users/${mod.sqid}/hide`),
    ]) {
      expect(res.statusCode).toBe(200);
    }
  });
  afterAll(async () => t.close());

  const read = (who: TestMember, query = '') => t.app.inject({ method: 'GET', url: `/api/v1/mod/audit${query}`, headers: who.auth });
  const actions = (res: { json(): { items: { action: string }[] } }) => res.json().items.map((e) => e.action);

  it('lists every action newest first with actor, target sqid and details, in keyset pages', async () => {
    const all = await read(mod);
    expect(all.statusCode).toBe(200);
    expect(actions(all)).toEqual(['user.hide', 'post.hide', 'user.trust', 'post.approve']);
    expect(all.json().items[1]).toMatchObject({
      actor: { id: owner.sqid, handle: owner.handle },
      targetType: 'post',
      targetId: postSqid,
      details: { reason: 'checking' },
      createdAt: expect.any(String),
    });

    const page1 = await read(mod, '?limit=3');
    expect(actions(page1)).toEqual(['user.hide', 'post.hide', 'user.trust']);
    const page2 = await read(mod, `?limit=3&cursor=${page1.json().nextCursor}`);
    expect(actions(page2)).toEqual(['post.approve']);
    expect(page2.json().nextCursor).toBeNull();
  });

  it('filters by actor, by target and by action', async () => {
    expect(actions(await read(mod, `?actor=${mod.sqid}`))).toEqual(['user.trust', 'post.approve']);
    expect(actions(await read(mod, `?targetType=post&targetId=${postSqid}`))).toEqual(['post.hide', 'post.approve']);
    expect(actions(await read(mod, `?targetType=user&targetId=${member.sqid}`))).toEqual(['user.trust']);
    expect(actions(await read(mod, '?action=user.hide'))).toEqual(['user.hide']);
  });

  it('rejects malformed filters (400)', async () => {
    for (const query of [`?targetId=${postSqid}`, '?actor=!!', '?targetType=post&targetId=!!', '?cursor=x', '?limit=500']) {
      const res = await read(mod, query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
  });

  it('is readable by moderators only, and nobody can modify it', async () => {
    expect((await read(member)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/mod/audit' })).statusCode).toBe(401);
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: '/api/v1/mod/audit', headers: owner.auth, payload: {} });
      expect(res.statusCode, method).toBe(404);
    }
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const auditPaths = Object.entries(spec.paths as Record<string, object>).filter(([path]) => path.startsWith('/api/v1/mod/audit'));
    expect(auditPaths.map(([path, ops]) => [path, Object.keys(ops)])).toEqual([['/api/v1/mod/audit', ['get']]]);
  });
});
