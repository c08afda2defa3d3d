import { auditLog, posts, users } from '@makapix/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp, uniqueHandle } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { VISITOR } from '../../domain/visibility.ts';
import { viewerForUser } from '../../domain/viewer.ts';

describe('member profiles (docs/product.md §1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  const patchMe = (payload: object, headers: Record<string, string>) => t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers, payload });

  it('shows the caller their own profile; visitors get 401', async () => {
    const m = await createMember(t);
    const res = await get('/api/v1/me', m.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: m.sqid, handle: m.handle, email: m.email, emailVerified: true, role: 'member', monitoredHashtags: [], reputation: 0, trusted: false, postCount: 0 });
    expect((await get('/api/v1/me')).statusCode).toBe(401);
    expect((await get('/api/v1/me', { authorization: 'Bearer nonsense' })).json().error.code).toBe('invalid_token');
  });

  it('edits only the caller: handle, bio, avatar and monitored opt-ins', async () => {
    const a = await createMember(t);
    const b = await createMember(t);
    const newHandle = uniqueHandle('Renamed');
    let res = await patchMe({ handle: newHandle, bio: '  pixels all day  ', avatarUrl: 'https://example.test/a.png', monitoredHashtags: ['nsfw', 'politics', 'nsfw'] }, a.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: a.sqid, handle: newHandle, bio: 'pixels all day', avatarUrl: 'https://example.test/a.png' });
    expect(res.json().monitoredHashtags.sort()).toEqual(['nsfw', 'politics']);
    const [bRow] = await t.app.db.select().from(users).where(eq(users.id, b.id));
    expect(bRow).toMatchObject({ handle: b.handle, bio: null, avatarUrl: null, monitoredHashtags: [] });

    // There is no way to name another member: fields other than the four are refused.
    for (const extra of [{ id: b.sqid }, { userId: b.id }, { role: 'owner' }, { email: 'x@example.test' }, { trusted: true }]) {
      res = await patchMe({ bio: 'hijack', ...extra }, a.auth);
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
    const [bAfter] = await t.app.db.select().from(users).where(eq(users.id, b.id));
    expect(bAfter!.bio).toBeNull();
    const [aAfter] = await t.app.db.select().from(users).where(eq(users.id, a.id));
    expect(aAfter).toMatchObject({ role: 'member', email: a.email, trusted: false, bio: 'pixels all day' });

    // null clears; an empty bio is stored as none.
    res = await patchMe({ bio: '', avatarUrl: null, monitoredHashtags: [] }, a.auth);
    expect(res.json()).toMatchObject({ bio: null, avatarUrl: null, monitoredHashtags: [] });
    expect((await patchMe({ bio: 'x' }, {})).statusCode).toBe(401);
  });

  it('validates profile fields with clear 400s', async () => {
    const m = await createMember(t);
    const cases: object[] = [
      { bio: 'x'.repeat(1001) },
      { avatarUrl: 'javascript:alert(1)' },
      { avatarUrl: 'not a url' },
      { monitoredHashtags: ['cats'] },
      { handle: 'no spaces here' },
      { handle: 'ab' },
    ];
    for (const body of cases) {
      const res = await patchMe(body, m.auth);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
      expect(res.json().error.details.length).toBeGreaterThan(0);
    }
    expect((await patchMe({ bio: 'x'.repeat(1000) }, m.auth)).statusCode).toBe(200);
  });

  it('keeps handles unique ignoring case and look-alikes on edit', async () => {
    const a = await createMember(t, { handle: `Pixel${uniqueHandle('q')}` });
    const b = await createMember(t);
    const lookalike = a.handle.replace('Pixel', 'p1xe1');
    let res = await patchMe({ handle: lookalike }, b.auth);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('handle_taken');
    res = await patchMe({ handle: 'Adm1n' }, b.auth);
    expect(res.json().error.code).toBe('handle_taken');
    // Your own handle in another case or spelling is fine.
    res = await patchMe({ handle: lookalike }, a.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json().handle).toBe(lookalike);
  });

  it('turns the daily notifications digest off and on again (docs/product.md §6), on by default', async () => {
    const m = await createMember(t);
    const other = await createMember(t);
    const stored = async (id: number) => (await t.app.db.select({ on: users.emailDigest }).from(users).where(eq(users.id, id)))[0]?.on;
    expect((await get('/api/v1/me', m.auth)).json().emailDigest).toBe(true);

    let res = await patchMe({ emailDigest: false }, m.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ emailDigest: false, handle: m.handle });
    expect(await stored(m.id)).toBe(false);
    expect((await get('/api/v1/me', m.auth)).json().emailDigest).toBe(false);
    // Other edits leave the choice alone; only the caller's own row changes.
    expect((await patchMe({ bio: 'quiet please' }, m.auth)).json().emailDigest).toBe(false);
    expect(await stored(other.id)).toBe(true);
    expect((await get(`/api/v1/users/${m.sqid}`)).json()).not.toHaveProperty('emailDigest');

    for (const bad of ['no', 0, null]) {
      res = await patchMe({ emailDigest: bad }, m.auth);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
    res = await patchMe({ emailDigest: true }, m.auth);
    expect(res.json().emailDigest).toBe(true);
    expect(await stored(m.id)).toBe(true);
  });

  it('serves public profiles by sqid and by handle, counting visible ready posts', async () => {
    const m = await createMember(t);
    await patchMe({ bio: 'hello' }, m.auth);
    await insertReadyPost(t, m.id);
    await insertReadyPost(t, m.id, { approved: true });
    await insertReadyPost(t, m.id, { hashtags: ['nsfw'] });
    const gone = await insertReadyPost(t, m.id);
    await t.app.db.update(posts).set({ deletedAt: new Date() }).where(eq(posts.id, gone.id));
    const processing = await insertReadyPost(t, m.id);
    await t.app.db.update(posts).set({ state: 'processing' }).where(eq(posts.id, processing.id));

    let res = await get(`/api/v1/users/${m.sqid}`);
    expect(res.statusCode).toBe(200);
    const profile = res.json();
    expect(profile).toMatchObject({ id: m.sqid, handle: m.handle, bio: 'hello', avatarUrl: null, role: 'member', postCount: 2 });
    expect(profile).not.toHaveProperty('email');
    expect(profile).not.toHaveProperty('monitoredHashtags');
    // The owner sees their own monitored post too (visibility.ts onProfile).
    expect((await get(`/api/v1/users/${m.sqid}`, m.auth)).json().postCount).toBe(3);
    expect((await get('/api/v1/me', m.auth)).json().postCount).toBe(3);

    res = await get(`/api/v1/users/by-handle/${m.handle.toUpperCase().replace(/L/g, '1').replace(/O/g, '0')}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(m.sqid);
    expect((await get('/api/v1/users/by-handle/nobody-here')).statusCode).toBe(404);
    expect((await get('/api/v1/users/notasqid!')).statusCode).toBe(404);
    expect((await get(`/api/v1/users/${t.app.publicId.encode(987654321)}`)).statusCode).toBe(404);
  });

  it('hides hidden members from everyone but moderators and themselves, and deleted ones from all', async () => {
    const hidden = await createMember(t);
    const deleted = await createMember(t);
    const mod = await createMember(t, { role: 'moderator' });
    const other = await createMember(t);
    await t.app.db.update(users).set({ hiddenAt: new Date() }).where(eq(users.id, hidden.id));
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, deleted.id));

    expect((await get(`/api/v1/users/${hidden.sqid}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/users/${hidden.sqid}`, other.auth)).statusCode).toBe(404);
    expect((await get(`/api/v1/users/by-handle/${hidden.handle}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/users/${hidden.sqid}`, mod.auth)).statusCode).toBe(200);
    expect((await get(`/api/v1/users/${hidden.sqid}`, hidden.auth)).statusCode).toBe(200);
    expect((await get(`/api/v1/users/${deleted.sqid}`, mod.auth)).statusCode).toBe(404);
    expect((await get(`/api/v1/users/by-handle/${deleted.handle}`)).statusCode).toBe(404);
  });

  it('builds the Viewer from role and opt-ins; unknown members see what visitors see', async () => {
    const m = await createMember(t, { role: 'moderator' });
    await patchMe({ monitoredHashtags: ['violence'] }, m.auth);
    expect(await viewerForUser(t.app.db, 0)).toBe(VISITOR);
    expect(await viewerForUser(t.app.db, m.id)).toEqual({ userId: m.id, isModerator: true, monitoredOptIns: ['violence'] });
    const plain = await createMember(t);
    expect(await viewerForUser(t.app.db, plain.id)).toEqual({ userId: plain.id, isModerator: false, monitoredOptIns: [] });
  });
});

describe('roles (docs/product.md §1: the site owner grants and revokes moderator)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const setRole = (sqid: string, role: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${sqid}/role`, headers: { ...headers, 'x-forwarded-for': nextIp() }, payload: { role } });

  it('lets the owner grant and revoke moderator, with an audit row each time', async () => {
    const owner = await createMember(t, { role: 'owner' });
    const m = await createMember(t);
    let res = await setRole(m.sqid, 'moderator', owner.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: m.sqid, role: 'moderator' });
    // The new role applies to the member's existing token at once (auth re-reads the account).
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: m.auth })).json().role).toBe('moderator');
    res = await setRole(m.sqid, 'member', owner.auth);
    expect(res.json().role).toBe('member');

    const audit = await t.app.db.select().from(auditLog).where(and(eq(auditLog.targetType, 'user'), eq(auditLog.targetId, String(m.id)))).orderBy(auditLog.id);
    expect(audit.map((r) => ({ actorId: r.actorId, action: r.action, details: r.details }))).toEqual([
      { actorId: owner.id, action: 'user.set_role', details: { from: 'member', to: 'moderator' } },
      { actorId: owner.id, action: 'user.set_role', details: { from: 'moderator', to: 'member' } },
    ]);
  });

  it('refuses everyone but the owner, owners as targets, and unknown roles or members', async () => {
    const owner = await createMember(t, { role: 'owner' });
    const otherOwner = await createMember(t, { role: 'owner' });
    const mod = await createMember(t, { role: 'moderator' });
    const m = await createMember(t);
    for (const caller of [mod, m]) {
      const res = await setRole(m.sqid, 'moderator', caller.auth);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect((await setRole(m.sqid, 'moderator', {})).statusCode).toBe(401);
    const [row] = await t.app.db.select({ role: users.role }).from(users).where(eq(users.id, m.id));
    expect(row!.role).toBe('member');

    expect((await setRole(otherOwner.sqid, 'member', owner.auth)).statusCode).toBe(403);
    expect((await setRole(owner.sqid, 'member', owner.auth)).statusCode).toBe(403);
    expect((await setRole(m.sqid, 'owner', owner.auth)).json().error.code).toBe('validation_error');
    expect((await setRole(t.app.publicId.encode(987654321), 'moderator', owner.auth)).statusCode).toBe(404);
    const audit = await t.app.db.select().from(auditLog).where(eq(auditLog.action, 'user.set_role'));
    expect(audit.filter((r) => [m.id, owner.id, otherOwner.id].map(String).includes(r.targetId))).toHaveLength(0);
  });
});
