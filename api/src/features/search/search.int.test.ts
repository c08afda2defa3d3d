import { blocks, users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createArtist } from '../../../test/fixtures/posting.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('GET /api/v1/search', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const search = async (query: Record<string, string>, who: TestMember | null = null) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/search?${new URLSearchParams(query)}`, headers: who ? who.auth : {} });
    return { status: res.statusCode, body: res.json() };
  };
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

  it('finds artworks by a title fragment, case-insensitively, and by exact hashtag', async () => {
    const artist = await createArtist(t);
    const castle = await insertReadyPost(t, artist.id, { approved: true, title: 'Moonlit Castle at Dusk' });
    const tagged = await insertReadyPost(t, artist.id, { approved: true, title: 'untitled', hashtags: ['castles'] });
    const other = await insertReadyPost(t, artist.id, { approved: true, title: 'Forest' });
    const res = await search({ q: 'lit cast' });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([castle.sqid]);
    expect(res.body.items[0]).toMatchObject({ title: 'Moonlit Castle at Dusk', owner: { id: artist.sqid, handle: artist.handle } });
    const byTag = ids((await search({ q: '#Castles', type: 'artworks' })).body);
    expect(byTag).toContain(tagged.sqid);
    expect(byTag).not.toContain(other.sqid);
  });

  it('applies visibility: unapproved, monitored and blocked posts are not found', async () => {
    const artist = await createArtist(t);
    const viewer = await createArtist(t);
    const unapproved = await insertReadyPost(t, artist.id, { approved: false, title: 'zebra unapproved' });
    const monitored = await insertReadyPost(t, artist.id, { approved: true, title: 'zebra politics', hashtags: ['politics'] });
    const plain = await insertReadyPost(t, artist.id, { approved: true, title: 'zebra plain' });
    expect(ids((await search({ q: 'zebra' })).body)).toEqual([plain.sqid]);
    await t.app.db.update(users).set({ monitoredHashtags: ['politics'] }).where(eq(users.id, viewer.id));
    expect(ids((await search({ q: 'zebra' }, viewer)).body)).toEqual([plain.sqid, monitored.sqid]);
    expect(ids((await search({ q: 'zebra' }, viewer)).body)).not.toContain(unapproved.sqid);
    await t.app.db.insert(blocks).values({ blockerId: viewer.id, blockedId: artist.id });
    expect(ids((await search({ q: 'zebra' }, viewer)).body)).toEqual([]);
  });

  it('takes LIKE wildcards literally', async () => {
    const artist = await createArtist(t);
    const percent = await insertReadyPost(t, artist.id, { approved: true, title: '100% pixels' });
    await insertReadyPost(t, artist.id, { approved: true, title: '1000 pixels' });
    expect(ids((await search({ q: '0%' })).body)).toEqual([percent.sqid]);
    expect(ids((await search({ q: '_' })).body)).toEqual([]);
  });

  it('finds artists by handle fragment, leaving out hidden, deleted and blocked members', async () => {
    const shown = await createMember(t, { handle: 'Qatxpaintera' });
    const hidden = await createMember(t, { handle: 'Qatxpainterb' });
    const deleted = await createMember(t, { handle: 'Qatxpainterc' });
    const blocked = await createMember(t, { handle: 'Qatxpainterd' });
    const viewer = await createArtist(t);
    await t.app.db.update(users).set({ hiddenAt: new Date() }).where(eq(users.id, hidden.id));
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, deleted.id));
    await t.app.db.insert(blocks).values({ blockerId: viewer.id, blockedId: blocked.id });

    const res = await search({ q: 'XPAINT', type: 'artists' });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: shown.sqid, handle: 'Qatxpaintera', avatarUrl: null },
      { id: blocked.sqid, handle: 'Qatxpainterd', avatarUrl: null },
    ]);
    expect(ids((await search({ q: '@qatxpaint', type: 'artists' }, viewer)).body)).toEqual([shown.sqid]);
  });

  it('pages artists alphabetically with a cursor', async () => {
    for (const suffix of ['a', 'b', 'c', 'd', 'e']) await createMember(t, { handle: `pagezq${suffix}` });
    const first = await search({ q: 'pagezq', type: 'artists', limit: '2' });
    expect(first.body.items.map((i: { handle: string }) => i.handle)).toEqual(['pagezqa', 'pagezqb']);
    const second = await search({ q: 'pagezq', type: 'artists', limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items.map((i: { handle: string }) => i.handle)).toEqual(['pagezqc', 'pagezqd']);
    const third = await search({ q: 'pagezq', type: 'artists', limit: '2', cursor: second.body.nextCursor });
    expect(third.body.items.map((i: { handle: string }) => i.handle)).toEqual(['pagezqe']);
    expect(third.body.nextCursor).toBeNull();
  });

  it('finds hashtags with the count of visible posts carrying them', async () => {
    const artist = await createArtist(t);
    await insertReadyPost(t, artist.id, { approved: true, hashtags: ['gloomcore', 'gloomy'] });
    await insertReadyPost(t, artist.id, { approved: true, hashtags: ['gloomcore'] });
    await insertReadyPost(t, artist.id, { approved: false, hashtags: ['gloomhidden'] });
    await insertReadyPost(t, artist.id, { approved: true, hashtags: ['gloomnsfw', 'nsfw'] });
    const res = await search({ q: '#GLOOM', type: 'hashtags' });
    expect(res.body).toEqual({
      items: [
        { tag: 'gloomcore', postCount: 2 },
        { tag: 'gloomy', postCount: 1 },
      ],
      nextCursor: null,
    });
  });

  it('rejects an empty query or unknown type with validation_error', async () => {
    for (const query of [{ q: '' }, { q: '   ' }, {}, { q: 'x', type: 'players' }, { q: 'x'.repeat(101) }]) {
      const res = await search(query as Record<string, string>);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
  });
});
