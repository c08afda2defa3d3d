import { posts } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('reactions', () => {
  let t: TestApp;
  let artist: TestMember;
  let fan: TestMember;
  let post: SeededPost;
  const url = (sqid: string, emoji?: string) => `/api/v1/posts/${sqid}/reactions${emoji === undefined ? '' : `/${encodeURIComponent(emoji)}`}`;
  const react = (m: TestMember, emoji: string, sqid = post.sqid) => t.app.inject({ method: 'PUT', url: url(sqid, emoji), headers: m.auth });
  const unreact = (m: TestMember, emoji: string, sqid = post.sqid) => t.app.inject({ method: 'DELETE', url: url(sqid, emoji), headers: m.auth });

  beforeAll(async () => {
    t = await createTestApp();
    artist = await createMember(t);
    fan = await createMember(t);
    post = await insertReadyPost(t, artist.id, { approved: true });
  });
  afterAll(async () => t.close());

  it('adds a reaction idempotently and answers totals and mine', async () => {
    const first = await react(fan, '🔥');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ totals: [{ emoji: '🔥', count: 1 }], mine: ['🔥'] });
    const again = await react(fan, '🔥');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ totals: [{ emoji: '🔥', count: 1 }], mine: ['🔥'] });
  });

  it('counts totals across members, most used first, and "mine" per caller', async () => {
    const other = await createMember(t);
    await react(other, '🔥');
    await react(other, '👍');
    const asVisitor = await t.app.inject({ method: 'GET', url: url(post.sqid) });
    expect(asVisitor.statusCode).toBe(200);
    expect(asVisitor.json()).toEqual({ totals: [{ emoji: '🔥', count: 2 }, { emoji: '👍', count: 1 }], mine: [] });
    const asFan = await t.app.inject({ method: 'GET', url: url(post.sqid), headers: fan.auth });
    expect(asFan.json().mine).toEqual(['🔥']);
    const asOther = await t.app.inject({ method: 'GET', url: url(post.sqid), headers: other.auth });
    expect(asOther.json().mine).toEqual(['🔥', '👍']);
  });

  it('removes a reaction idempotently', async () => {
    const m = await createMember(t);
    await react(m, 'ok');
    const removed = await unreact(m, 'ok');
    expect(removed.statusCode).toBe(200);
    expect(removed.json().mine).toEqual([]);
    expect(removed.json().totals.find((x: { emoji: string }) => x.emoji === 'ok')).toBeUndefined();
    const again = await unreact(m, 'ok');
    expect(again.statusCode).toBe(200);
    expect(again.json().mine).toEqual([]);
  });

  it('allows 5 distinct emoji per member and post, refuses a 6th, still accepts re-adding one', async () => {
    const m = await createMember(t);
    for (const e of ['a', 'b', 'c', 'd', 'e']) expect((await react(m, e)).statusCode).toBe(200);
    const sixth = await react(m, 'f');
    expect(sixth.statusCode).toBe(409);
    expect(sixth.json().error.code).toBe('reaction_limit_exceeded');
    expect((await react(m, 'c')).statusCode).toBe(200);
    // The limit is per post: another post takes new reactions.
    const other = await insertReadyPost(t, artist.id, { approved: true });
    expect((await react(m, 'f', other.sqid)).statusCode).toBe(200);
    // Removing one frees a slot.
    await unreact(m, 'a');
    expect((await react(m, 'f')).statusCode).toBe(200);
  });

  it('counts emoji length in code points: 20 accepted, 21 or empty refused with invalid_emoji', async () => {
    const m = await createMember(t);
    const twenty = '😀'.repeat(20);
    expect((await react(m, twenty)).statusCode).toBe(200);
    const long = await react(m, '😀'.repeat(21));
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('invalid_emoji');
    const empty = await t.app.inject({ method: 'PUT', url: `/api/v1/posts/${post.sqid}/reactions/`, headers: m.auth });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_emoji');
  });

  it('requires a member to react and refuses posts the member cannot see', async () => {
    const anon = await t.app.inject({ method: 'PUT', url: url(post.sqid, '🔥') });
    expect(anon.statusCode).toBe(401);

    const hidden = await insertReadyPost(t, artist.id, { approved: true });
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, hidden.id));
    const refused = await react(fan, '🔥', hidden.sqid);
    expect(refused.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: url(hidden.sqid) })).statusCode).toBe(404);
    // The artist still sees (and may react to) their own hidden post.
    expect((await react(artist, '🔥', hidden.sqid)).statusCode).toBe(200);

    expect((await react(fan, '🔥', 'not-a-sqid')).statusCode).toBe(404);
  });
});
