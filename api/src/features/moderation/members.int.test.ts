import { users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { auditRowsFor, inVisitorFeeds, notificationsOf } from '../../../test/fixtures/moderation.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('moderation of members: hide, and who may act on whom', () => {
  let t: TestApp;
  let owner: TestMember;
  let mod: TestMember;
  let otherMod: TestMember;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await createMember(t, { role: 'owner' });
    mod = await createMember(t, { role: 'moderator' });
    otherMod = await createMember(t, { role: 'moderator' });
  });
  afterAll(async () => t.close());

  const act = (who: TestMember, url: string, payload?: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/mod/users${url}`, headers: who.auth, ...(payload ? { payload } : {}) });
  const ban = { reason: 'spam' };

  it("hides a member: their approved posts leave the public feeds until unhidden; audited and notified", async () => {
    const artist = await createMember(t);
    const post = await insertReadyPost(t, artist.id, { approved: true });
    expect(await inVisitorFeeds(t, post.id)).toBe(true);

    const hidden = await act(mod, `/${artist.sqid}/hide`, { reason: 'impersonation' });
    expect(hidden.statusCode).toBe(200);
    expect(hidden.json()).toMatchObject({ id: artist.sqid, handle: artist.handle, role: 'member', hiddenAt: expect.any(String), banned: false });
    expect(await inVisitorFeeds(t, post.id)).toBe(false);

    const shown = await act(mod, `/${artist.sqid}/unhide`);
    expect(shown.json().hiddenAt).toBeNull();
    expect(await inVisitorFeeds(t, post.id)).toBe(true);

    const audit = await auditRowsFor(t, 'user', artist.id);
    expect(audit.map((a) => [a.action, a.actorId, a.details])).toEqual([
      ['user.hide', mod.id, { reason: 'impersonation' }],
      ['user.unhide', mod.id, {}],
    ]);
    expect((await notificationsOf(t, artist.id)).map((n) => [n.type, n.actorId, n.data?.action])).toEqual([
      ['moderation', null, 'user.hide'],
      ['moderation', null, 'user.unhide'],
    ]);
  });

  it('refuses member actions to plain members (403)', async () => {
    const actor = await createMember(t);
    const target = await createMember(t);
    for (const [url, payload] of [['hide'], ['unhide'], ['trust'], ['untrust'], ['ban', ban], ['unban']] as const) {
      const res = await act(actor, `/${target.sqid}/${url}`, payload);
      expect(res.statusCode, url).toBe(403);
    }
    const [row] = await t.app.db.select().from(users).where(eq(users.id, target.id));
    expect(row).toMatchObject({ hiddenAt: null, bannedUntil: null, trusted: false });
  });

  it('refuses a moderator acting on another moderator, the owner or themself (403 target_protected)', async () => {
    for (const target of [otherMod, owner, mod]) {
      for (const [url, payload] of [['hide'], ['trust'], ['ban', ban], ['unban']] as const) {
        const res = await act(mod, `/${target.sqid}/${url}`, payload);
        expect(res.statusCode, `${target.role} ${url}`).toBe(403);
        expect(res.json().error.code).toBe('target_protected');
      }
    }
    const [row] = await t.app.db.select().from(users).where(eq(users.id, otherMod.id));
    expect(row).toMatchObject({ hiddenAt: null, bannedUntil: null });
    expect(await auditRowsFor(t, 'user', otherMod.id)).toEqual([]);
  });

  it('lets the site owner hide a moderator, but not themself', async () => {
    const res = await act(owner, `/${otherMod.sqid}/hide`);
    expect(res.statusCode).toBe(200);
    expect(res.json().hiddenAt).toEqual(expect.any(String));
    expect((await auditRowsFor(t, 'user', otherMod.id)).map((a) => [a.action, a.actorId])).toEqual([['user.hide', owner.id]]);
    expect((await act(owner, `/${otherMod.sqid}/unhide`)).statusCode).toBe(200);
    expect((await act(owner, `/${owner.sqid}/hide`)).statusCode).toBe(403);
  });

  it('answers 404 for unknown and deleted members', async () => {
    const gone = await createMember(t);
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id));
    for (const sqid of [gone.sqid, t.app.publicId.encode(424242), '!!']) {
      expect((await act(mod, `/${sqid}/hide`)).statusCode, sqid).toBe(404);
    }
  });
});
