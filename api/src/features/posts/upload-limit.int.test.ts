import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makePng } from '../../../test/fixtures/artwork-images.ts';
import { createArtist, uploadArtwork } from '../../../test/fixtures/posting.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import type { TestMember } from '../../../test/fixtures/accounts.ts';
import { uploadAllowanceFor } from './service.ts';

describe('upload rate limit (docs/product.md §2: 4 / 16 / 64 per hour by reputation)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ VAULT_INCOMING_DIR: path.join(inject('scratchDir'), `incoming-rl-${process.pid}-${Date.now()}`) });
  });
  afterAll(async () => t.close());

  /** Uploads distinct images until the first refusal; resolves with the statuses and that refusal. */
  const uploadUntilRefused = async (member: TestMember, atMost: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < atMost; i++) {
      const res = await uploadArtwork(t, member, await makePng(8, 8));
      statuses.push(res.statusCode);
      if (res.statusCode !== 202) return { accepted: statuses.filter((s) => s === 202).length, refusal: res };
    }
    throw new Error(`no refusal after ${atMost} uploads`);
  };

  it('picks the allowance by reputation, at the tier edges', () => {
    expect([0, 99, 100, 499, 500, 100_000].map(uploadAllowanceFor)).toEqual([4, 4, 16, 16, 64, 64]);
  });

  for (const [reputation, allowed] of [
    [0, 4],
    [100, 16],
    [500, 64],
  ] as const) {
    it(`accepts exactly ${allowed} uploads an hour at reputation ${reputation}: upload ${allowed + 1} is 429 with Retry-After`, async () => {
      const artist = await createArtist(t, { reputation, trusted: true });
      const { accepted, refusal } = await uploadUntilRefused(artist, allowed + 1);
      expect(accepted).toBe(allowed);
      expect(refusal.statusCode).toBe(429);
      expect(refusal.json().error.code).toBe('rate_limited');
      const retryAfter = Number(refusal.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(3500);
      expect(retryAfter).toBeLessThanOrEqual(3600);
    }, 60_000);
  }

  it('keeps the hour\'s count when a member reaches a higher tier mid-hour: 16 in all, not 4 + 16', async () => {
    const artist = await createArtist(t, { reputation: 0, trusted: true });
    expect((await uploadUntilRefused(artist, 5)).accepted).toBe(4);
    await t.app.db.update(users).set({ reputation: 100 }).where(eq(users.id, artist.id));
    const { accepted, refusal } = await uploadUntilRefused(artist, 17);
    expect(accepted).toBe(11); // 16 an hour, minus the 4 uploads and the 1 refused attempt already counted
    expect(refusal.statusCode).toBe(429);
  }, 60_000);

  it('counts per member: another newcomer still has all four', async () => {
    const [first, second] = await Promise.all([createArtist(t, { reputation: 0 }), createArtist(t, { reputation: 0 })]);
    expect((await uploadUntilRefused(first, 5)).accepted).toBe(4);
    expect((await uploadUntilRefused(second, 5)).accepted).toBe(4);
  });
});
