import { reports } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { auditRowsFor } from '../../../test/fixtures/moderation.ts';
import { insertReadyPost, insertReport } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('reports queue', () => {
  let t: TestApp;
  let mod: TestMember;
  let reporter: TestMember;
  let artist: TestMember;
  beforeAll(async () => {
    t = await createTestApp();
    mod = await createMember(t, { role: 'moderator' });
    reporter = await createMember(t);
    artist = await createMember(t);
  });
  afterAll(async () => t.close());

  const list = (who: TestMember, query = '') => t.app.inject({ method: 'GET', url: `/api/v1/mod/reports${query}`, headers: who.auth });
  const patch = (who: TestMember, sqid: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/v1/mod/reports/${sqid}`, headers: who.auth, payload });

  it('lists reports oldest first with keyset pages and a status filter', async () => {
    const post = await insertReadyPost(t, artist.id);
    const first = await insertReport(t, reporter.id, { type: 'post', id: post.id });
    const second = await insertReport(t, reporter.id, { type: 'user', id: artist.id });
    await t.app.db.update(reports).set({ status: 'dismissed' }).where(eq(reports.id, second.id));
    const third = await insertReport(t, artist.id, { type: 'post', id: post.id });

    const page1 = await list(mod, '?limit=2');
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items.map((r: { id: string }) => r.id)).toEqual([first.sqid, second.sqid]);
    expect(page1.json().items[0]).toMatchObject({
      reporter: { id: reporter.sqid, handle: reporter.handle },
      targetType: 'post',
      targetId: post.sqid,
      status: 'open',
      resolvedBy: null,
    });
    const page2 = await list(mod, `?limit=2&cursor=${page1.json().nextCursor}`);
    expect(page2.json()).toEqual({ items: [expect.objectContaining({ id: third.sqid })], nextCursor: null });

    const open = await list(mod, '?status=open');
    expect(open.json().items.map((r: { id: string }) => r.id)).toEqual([first.sqid, third.sqid]);
    expect((await list(mod, '?status=nope')).statusCode).toBe(400);
    expect((await list(mod, '?cursor=garbage')).json().error.code).toBe('validation_error');
  });

  it('moves a report open → reviewing → resolved with notes, recording the resolver; reopening clears it', async () => {
    const report = await insertReport(t, reporter.id, { type: 'user', id: artist.id });
    const reviewing = await patch(mod, report.sqid, { status: 'reviewing' });
    expect(reviewing.statusCode).toBe(200);
    expect(reviewing.json()).toMatchObject({ status: 'reviewing', resolvedBy: null, resolvedAt: null, notes: null });

    const resolved = await patch(mod, report.sqid, { status: 'resolved', notes: 'warned the member' });
    expect(resolved.json()).toMatchObject({
      status: 'resolved',
      notes: 'warned the member',
      resolvedBy: { id: mod.sqid, handle: mod.handle },
      resolvedAt: expect.any(String),
    });

    const reopened = await patch(mod, report.sqid, { status: 'open' });
    expect(reopened.json()).toMatchObject({ status: 'open', notes: 'warned the member', resolvedBy: null, resolvedAt: null });

    const audit = await auditRowsFor(t, 'report', report.id);
    expect(audit.map((a) => [a.action, a.actorId, a.details])).toEqual([
      ['report.update', mod.id, { from: 'open', to: 'reviewing' }],
      ['report.update', mod.id, { from: 'reviewing', to: 'resolved', notes: 'warned the member' }],
      ['report.update', mod.id, { from: 'resolved', to: 'open' }],
    ]);
  });

  it('refuses reopening into a duplicate of the same member’s pending report (409)', async () => {
    const old = await insertReport(t, reporter.id, { type: 'user', id: mod.id });
    await patch(mod, old.sqid, { status: 'dismissed' });
    await insertReport(t, reporter.id, { type: 'user', id: mod.id });
    const res = await patch(mod, old.sqid, { status: 'open' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('report_duplicate');
  });

  it('validates the change and answers 404 for unknown reports', async () => {
    const report = await insertReport(t, artist.id, { type: 'user', id: reporter.id });
    for (const payload of [{ status: 'closed' }, {}, { status: 'resolved', extra: 1 }]) {
      const res = await patch(mod, report.sqid, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
    expect((await patch(mod, t.app.publicId.encode(999999), { status: 'resolved' })).statusCode).toBe(404);
  });

  it('is closed to plain members (403), changing nothing', async () => {
    const report = await insertReport(t, artist.id, { type: 'user', id: mod.id });
    expect((await list(reporter)).statusCode).toBe(403);
    const res = await patch(reporter, report.sqid, { status: 'dismissed' });
    expect(res.statusCode).toBe(403);
    const [row] = await t.app.db.select({ status: reports.status }).from(reports).where(eq(reports.id, report.id));
    expect(row?.status).toBe('open');
  });
});
