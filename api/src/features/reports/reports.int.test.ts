import { reports } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertComment, insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('POST /api/v1/reports', () => {
  let t: TestApp;
  let artist: TestMember;
  let reporter: TestMember;
  let post: SeededPost;

  const report = (m: TestMember, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/reports', headers: m.auth, payload });

  beforeAll(async () => {
    t = await createTestApp();
    [artist, reporter] = await Promise.all([createMember(t), createMember(t)]);
    post = await insertReadyPost(t, artist.id, { approved: true });
  });
  afterAll(async () => t.close());

  it('files reports of posts, comments and members into the open queue', async () => {
    const res = await report(reporter, { targetType: 'post', targetId: post.sqid, reason: 'stolen art' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), targetType: 'post', targetId: post.sqid, status: 'open', createdAt: expect.any(String) });
    const [row] = await t.app.db.select().from(reports).where(eq(reports.id, t.app.publicId.decode(res.json().id)!));
    expect(row).toMatchObject({ reporterId: reporter.id, targetType: 'post', targetId: post.id, reason: 'stolen art', status: 'open' });

    const comment = await insertComment(t, post.id, artist.id);
    expect((await report(reporter, { targetType: 'comment', targetId: comment.sqid, reason: 'rude' })).statusCode).toBe(201);
    expect((await report(reporter, { targetType: 'user', targetId: artist.sqid, reason: 'spam' })).statusCode).toBe(201);
  });

  it('refuses a duplicate open report with 409 already_reported, accepts one after resolution', async () => {
    const m = await createMember(t);
    const p = await insertReadyPost(t, artist.id, { approved: true });
    const first = await report(m, { targetType: 'post', targetId: p.sqid, reason: 'one' });
    expect(first.statusCode).toBe(201);
    const dup = await report(m, { targetType: 'post', targetId: p.sqid, reason: 'two' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('already_reported');
    // Another member's report of the same target is not a duplicate.
    expect((await report(reporter, { targetType: 'post', targetId: p.sqid, reason: 'me too' })).statusCode).toBe(201);

    await t.app.db.update(reports).set({ status: 'resolved' }).where(eq(reports.id, t.app.publicId.decode(first.json().id)!));
    expect((await report(m, { targetType: 'post', targetId: p.sqid, reason: 'again' })).statusCode).toBe(201);
  });

  it('refuses unknown targets, self-reports, bad input and visitors', async () => {
    expect((await report(reporter, { targetType: 'post', targetId: 'zzzzzzzz', reason: 'x' })).statusCode).toBe(404);
    expect((await report(reporter, { targetType: 'comment', targetId: t.app.publicId.encode(999_999), reason: 'x' })).statusCode).toBe(404);
    const self = await report(reporter, { targetType: 'user', targetId: reporter.sqid, reason: 'x' });
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('cannot_report_self');
    for (const payload of [
      { targetType: 'playlist', targetId: post.sqid, reason: 'x' },
      { targetType: 'post', targetId: post.sqid, reason: ' ' },
      { targetType: 'post', targetId: post.sqid, reason: 'x'.repeat(2001) },
    ]) {
      const res = await report(reporter, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/reports', payload: { targetType: 'post', targetId: post.sqid, reason: 'x' } })).statusCode).toBe(401);
  });

  it('rate limits reports to 10 per hour per member', async () => {
    const m = await createMember(t);
    const targets = await Promise.all(Array.from({ length: 11 }, () => insertReadyPost(t, artist.id, { approved: true })));
    for (const p of targets.slice(0, 10)) expect((await report(m, { targetType: 'post', targetId: p.sqid, reason: 'bad' })).statusCode).toBe(201);
    const limited = await report(m, { targetType: 'post', targetId: targets[10]!.sqid, reason: 'bad' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
