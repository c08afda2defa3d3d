import { PERMANENT_BAN_UNTIL, refreshTokens, users } from '@makapix/db';
import { BROKER_KICK_CHANNEL, type KickMessage, parseKickMessage } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp, type TestMember } from '../../../test/fixtures/accounts.ts';
import { auditRowsFor, inVisitorFeeds, notificationsOf } from '../../../test/fixtures/moderation.ts';
import { insertPlayer, insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('bans (docs/product.md §1: enforced on web, API and MQTT at once)', () => {
  let t: TestApp;
  let owner: TestMember;
  let mod: TestMember;
  let subscriber: Redis;
  const kicks: KickMessage[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    owner = await createMember(t, { role: 'owner' });
    mod = await createMember(t, { role: 'moderator' });
    // Pub/sub ignores the logical database: this is the channel every broker listens on.
    subscriber = t.app.redis.duplicate();
    await subscriber.subscribe(BROKER_KICK_CHANNEL);
    subscriber.on('message', (_channel, raw: string) => {
      const kick = parseKickMessage(raw);
      if (kick) kicks.push(kick);
    });
  });
  afterAll(async () => {
    subscriber.disconnect();
    await t.close();
  });

  const act = (who: TestMember, url: string, payload?: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/mod/users${url}`, headers: who.auth, ...(payload ? { payload } : {}) });
  const me = (who: TestMember) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: who.auth });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function kicksFor(keys: string[], withinMs: number): Promise<KickMessage[]> {
    const deadline = Date.now() + withinMs;
    const mine = () => kicks.filter((k) => keys.includes(k.player_key));
    while (mine().length < keys.length && Date.now() < deadline) await sleep(20);
    return mine();
  }

  it('refuses the member’s existing token at once, revokes refresh tokens, kicks every player, audits and notifies', async () => {
    const member = await createMember(t);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), payload: { email: member.email, password: member.password } });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'mpx_refresh');
    expect(cookie).toBeDefined();
    const players = [await insertPlayer(t, member.id), await insertPlayer(t, member.id)];
    const deleted = await insertPlayer(t, member.id, { deleted: true });
    const bystander = await insertPlayer(t, mod.id);
    expect((await me(member)).statusCode).toBe(200);

    const started = Date.now();
    const res = await act(mod, `/${member.sqid}/ban`, { reason: 'spam bot' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: member.sqid, banned: true, permanentBan: true, banReason: 'spam bot', bannedUntil: PERMANENT_BAN_UNTIL.toISOString() });

    // docs/device-protocol.md §1 (ours): every live session of the member's players is cut within 2 s.
    const keys = players.map((p) => p.playerKey);
    const received = await kicksFor(keys, 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(received.map((k) => k.player_key).sort()).toEqual([...keys].sort());
    expect(received.every((k) => k.reason === 'owner_banned')).toBe(true);
    expect(kicks.some((k) => k.player_key === deleted.playerKey || k.player_key === bystander.playerKey)).toBe(false);

    const refused = await me(member);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('banned');

    const tokens = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.userId, member.id));
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((r) => r.revokedAt !== null)).toBe(true);

    const [audit] = await auditRowsFor(t, 'user', member.id);
    expect(audit).toMatchObject({ action: 'user.ban', actorId: mod.id });
    expect(audit?.details).toMatchObject({ permanent: true, reason: 'spam bot', until: PERMANENT_BAN_UNTIL.toISOString() });
    expect((await notificationsOf(t, member.id)).map((n) => [n.type, n.data?.action])).toEqual([['moderation', 'user.ban']]);

    // Lifting the ban restores API access; the revoked refresh token stays dead.
    const lifted = await act(mod, `/${member.sqid}/unban`);
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json()).toMatchObject({ banned: false, bannedUntil: null, banReason: null });
    expect((await me(member)).statusCode).toBe(200);
    const refresh = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', cookies: { mpx_refresh: cookie!.value } });
    expect(refresh.statusCode).toBe(401);
    expect((await auditRowsFor(t, 'user', member.id)).map((a) => a.action)).toEqual(['user.ban', 'user.unban']);
  });

  it('a temporary ban ends by itself at `until`', async () => {
    const member = await createMember(t);
    const until = new Date(Date.now() + 1_500);
    const res = await act(mod, `/${member.sqid}/ban`, { until: until.toISOString(), reason: 'cool down' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ banned: true, permanentBan: false, bannedUntil: until.toISOString() });
    expect((await me(member)).json().error.code).toBe('banned');
    await sleep(until.getTime() - Date.now() + 100);
    expect((await me(member)).statusCode).toBe(200);
  });

  it("hides a banned member's posts from public feeds while the ban lasts", async () => {
    const member = await createMember(t);
    const post = await insertReadyPost(t, member.id, { approved: true });
    await act(mod, `/${member.sqid}/ban`, { reason: 'x' });
    expect(await inVisitorFeeds(t, post.id)).toBe(false);
    await act(mod, `/${member.sqid}/unban`);
    expect(await inVisitorFeeds(t, post.id)).toBe(true);
  });

  it('rejects an end in the past, a malformed end and a missing reason (400), changing nothing', async () => {
    const member = await createMember(t);
    const past = await act(mod, `/${member.sqid}/ban`, { until: new Date(Date.now() - 60_000).toISOString(), reason: 'x' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('ban_until_past');
    for (const payload of [{ until: 'tomorrow', reason: 'x' }, { until: null }, { reason: '' }]) {
      const res = await act(mod, `/${member.sqid}/ban`, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
    const [row] = await t.app.db.select({ bannedUntil: users.bannedUntil }).from(users).where(eq(users.id, member.id));
    expect(row?.bannedUntil).toBeNull();
  });

  it('only the site owner bans a moderator, whose token is then refused', async () => {
    const target = await createMember(t, { role: 'moderator' });
    const byMod = await act(mod, `/${target.sqid}/ban`, { reason: 'abuse of power' });
    expect(byMod.statusCode).toBe(403);
    expect((await me(target)).statusCode).toBe(200);

    const byOwner = await act(owner, `/${target.sqid}/ban`, { reason: 'abuse of power' });
    expect(byOwner.statusCode).toBe(200);
    expect((await me(target)).json().error.code).toBe('banned');
    expect((await auditRowsFor(t, 'user', target.id)).map((a) => [a.action, a.actorId])).toEqual([['user.ban', owner.id]]);
  });
});
