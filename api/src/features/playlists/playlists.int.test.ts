import { posts } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('playlists', () => {
  let t: TestApp;
  let owner: TestMember;
  let other: TestMember;
  let art: SeededPost[];

  const create = (m: TestMember, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/playlists', headers: m.auth, payload });
  const setItems = (m: TestMember, sqid: string, items: { postId: string; dwellTimeMs: number }[]) =>
    t.app.inject({ method: 'PUT', url: `/api/v1/playlists/${sqid}/items`, headers: m.auth, payload: { items } });
  const get = (sqid: string, m?: TestMember) => t.app.inject({ method: 'GET', url: `/api/v1/playlists/${sqid}`, ...(m ? { headers: m.auth } : {}) });
  const listOf = (member: TestMember, m?: TestMember) => t.app.inject({ method: 'GET', url: `/api/v1/users/${member.sqid}/playlists`, ...(m ? { headers: m.auth } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    [owner, other] = await Promise.all([createMember(t), createMember(t)]);
    art = await Promise.all([insertReadyPost(t, other.id, { approved: true }), insertReadyPost(t, owner.id, { approved: true }), insertReadyPost(t, other.id)]);
  });
  afterAll(async () => t.close());

  it('creates a playlist, replaces its ordered items and shows them to visitors', async () => {
    const created = await create(owner, { title: 'Night shift', description: 'calm loops', public: true });
    expect(created.statusCode).toBe(201);
    const pl = created.json();
    expect(pl).toMatchObject({ title: 'Night shift', description: 'calm loops', public: true, itemCount: 0, items: [], owner: { id: owner.sqid, handle: owner.handle } });

    const items = [
      { postId: art[1]!.sqid, dwellTimeMs: 5_000 },
      { postId: art[0]!.sqid, dwellTimeMs: 1_000 },
      // Unapproved posts are visible by link, so they may be listed too (docs/product.md §1).
      { postId: art[2]!.sqid, dwellTimeMs: 3_600_000 },
    ];
    const put = await setItems(owner, pl.id, items);
    expect(put.statusCode).toBe(200);
    expect(put.json().items.map((i: { position: number; dwellTimeMs: number; artwork: { id: string } }) => [i.position, i.artwork.id, i.dwellTimeMs])).toEqual([
      [0, art[1]!.sqid, 5_000],
      [1, art[0]!.sqid, 1_000],
      [2, art[2]!.sqid, 3_600_000],
    ]);

    const asVisitor = await get(pl.id);
    expect(asVisitor.statusCode).toBe(200);
    expect(asVisitor.json().itemCount).toBe(3);
    expect(asVisitor.json().items[0].artwork).toMatchObject({ id: art[1]!.sqid, owner: { id: owner.sqid } });

    const replaced = await setItems(owner, pl.id, [{ postId: art[0]!.sqid, dwellTimeMs: 2_000 }]);
    expect(replaced.json().items.map((i: { artwork: { id: string } }) => i.artwork.id)).toEqual([art[0]!.sqid]);
    expect((await setItems(owner, pl.id, [])).json().itemCount).toBe(0);
  });

  it('refuses more than 100 items, bad dwell times and artworks the owner cannot see', async () => {
    const pl = (await create(owner, { title: 'Too much', public: true })).json();
    const many = Array.from({ length: 101 }, () => ({ postId: art[0]!.sqid, dwellTimeMs: 1_000 }));
    const tooMany = await setItems(owner, pl.id, many);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.code).toBe('validation_error');
    expect((await setItems(owner, pl.id, many.slice(0, 100))).statusCode).toBe(200);

    for (const dwellTimeMs of [999, 3_600_001]) {
      expect((await setItems(owner, pl.id, [{ postId: art[0]!.sqid, dwellTimeMs }])).statusCode).toBe(400);
    }

    const hidden = await insertReadyPost(t, other.id, { approved: true });
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, hidden.id));
    const refused = await setItems(owner, pl.id, [
      { postId: art[0]!.sqid, dwellTimeMs: 1_000 },
      { postId: hidden.sqid, dwellTimeMs: 1_000 },
      { postId: pl.id, dwellTimeMs: 1_000 },
      { postId: 'zzzzzzzz', dwellTimeMs: 1_000 },
    ]);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('invalid_playlist_item');
    expect(refused.json().error.details.map((d: { index: number }) => d.index)).toEqual([1, 2, 3]);
    // Nothing changed.
    expect((await get(pl.id)).json().itemCount).toBe(100);
  });

  it('keeps hidden playlists to their owner, in lists too', async () => {
    const hidden = (await create(owner, { title: 'Drafts', public: false })).json();
    expect(hidden.public).toBe(false);
    expect((await get(hidden.id, owner)).statusCode).toBe(200);
    expect((await get(hidden.id, other)).statusCode).toBe(404);
    expect((await get(hidden.id)).statusCode).toBe(404);

    const titles = (res: { json(): { items: { title: string }[] } }) => res.json().items.map((p) => p.title);
    expect(titles(await listOf(owner, owner))).toContain('Drafts');
    expect(titles(await listOf(owner, other))).not.toContain('Drafts');
    expect(titles(await listOf(owner))).toContain('Night shift');
    expect(titles(await listOf(owner))).not.toContain('Drafts');

    const published = await t.app.inject({ method: 'PATCH', url: `/api/v1/playlists/${hidden.id}`, headers: owner.auth, payload: { public: true, title: 'Published' } });
    expect(published.json()).toMatchObject({ public: true, title: 'Published' });
    expect((await get(hidden.id, other)).statusCode).toBe(200);
  });

  it('lets only the owner modify or delete', async () => {
    const pl = (await create(owner, { title: 'Mine', public: true })).json();
    const items = [{ postId: art[0]!.sqid, dwellTimeMs: 1_000 }];
    expect((await setItems(other, pl.id, items)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/playlists/${pl.id}`, headers: other.auth, payload: { title: 'Theirs' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/playlists/${pl.id}`, headers: other.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/playlists/${pl.id}/items`, payload: { items } })).statusCode).toBe(401);
    // A hidden playlist is not even there for others.
    const hidden = (await create(owner, { title: 'Secret', public: false })).json();
    expect((await setItems(other, hidden.id, items)).statusCode).toBe(404);

    expect((await get(pl.id)).json().title).toBe('Mine');
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/playlists/${pl.id}`, headers: owner.auth });
    expect(del.statusCode).toBe(204);
    expect((await get(pl.id, owner)).statusCode).toBe(404);
  });

  it('drops items whose artwork the viewer can no longer see', async () => {
    const gone = await insertReadyPost(t, other.id, { approved: true });
    const pl = (await create(owner, { title: 'Fragile', public: true })).json();
    await setItems(owner, pl.id, [
      { postId: gone.sqid, dwellTimeMs: 1_000 },
      { postId: art[1]!.sqid, dwellTimeMs: 1_000 },
    ]);
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, gone.id));
    const res = (await get(pl.id)).json();
    expect(res.itemCount).toBe(1);
    expect(res.items.map((i: { artwork: { id: string } }) => i.artwork.id)).toEqual([art[1]!.sqid]);
    const listed = (await listOf(owner)).json().items.find((p: { id: string }) => p.id === pl.id);
    expect(listed.itemCount).toBe(1);
  });

  it('validates titles and refuses visitors', async () => {
    expect((await create(owner, { title: '', public: true })).statusCode).toBe(400);
    expect((await create(owner, { title: 'x'.repeat(129), public: true })).statusCode).toBe(400);
    expect((await create(owner, { title: 'no flag' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { title: 'x', public: true } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/zzzzzzzz/playlists' })).statusCode).toBe(404);
  });
});
