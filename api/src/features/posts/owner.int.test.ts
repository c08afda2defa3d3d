import path from 'node:path';
import { posts, retiredVaultFiles } from '@makapix/db';
import { artUrl } from '@makapix/vault';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestMember } from '../../../test/fixtures/accounts.ts';
import { makePng } from '../../../test/fixtures/artwork-images.ts';
import { createArtist, multipartBody, replaceArtworkImage, uploadArtwork } from '../../../test/fixtures/posting.ts';
import { runProcessArtwork } from '../../../test/fixtures/process-artwork.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('artwork page and owner edits', () => {
  let t: TestApp;
  let artist: TestMember;
  let other: TestMember;
  beforeAll(async () => {
    t = await createTestApp({ VAULT_INCOMING_DIR: path.join(inject('scratchDir'), `incoming-owner-${process.pid}-${Date.now()}`) });
    artist = await createArtist(t);
    other = await createArtist(t);
  });
  afterAll(async () => t.close());

  const get = (sqid: string, who: TestMember | null = null) =>
    t.app.inject({ method: 'GET', url: `/api/v1/posts/${sqid}`, headers: who ? who.auth : {} });

  /** An uploaded, processed (ready) and approved artwork of `owner`. */
  async function readyUpload(owner: TestMember, fields: Record<string, string> = { title: 'ready art' }) {
    const bytes = await makePng();
    const created = (await uploadArtwork(t, owner, bytes, fields)).json();
    const id = t.app.publicId.decode(created.id)!;
    expect((await runProcessArtwork(t, id)).error).toBeUndefined();
    await t.app.db.update(posts).set({ approvedAt: new Date() }).where(eq(posts.id, id));
    return { id, sqid: created.id as string, bytes };
  }

  it('shows the page to visitors with counts, and artist stats only to the artist', async () => {
    const post = await readyUpload(artist, { title: 'Page', description: 'about it', hashtags: 'one two' });
    const visitor = await get(post.sqid);
    expect(visitor.statusCode).toBe(200);
    expect(visitor.json()).toMatchObject({
      id: post.sqid,
      kind: 'artwork',
      title: 'Page',
      description: 'about it',
      hashtags: ['one', 'two'],
      state: 'ready',
      owner: { id: artist.sqid, handle: artist.handle },
      counts: { reactions: 0, comments: 0, views: 0 },
      ownerInfo: null,
    });
    expect((await get(post.sqid, other)).json().ownerInfo).toBeNull();
    const own = (await get(post.sqid, artist)).json();
    expect(own.ownerInfo).toEqual({
      failureReason: null,
      hiddenByOwner: false,
      hiddenByModerator: false,
      replacementPending: false,
      stats: { views: 0, viewsToday: 0, impressions: 0, reactions: 0 },
    });
  });

  it('answers 404 for unknown and malformed ids', async () => {
    expect((await get('zzzzzzzzzz')).statusCode).toBe(404);
    expect((await get(t.app.publicId.encode(987654))).json().error.code).toBe('not_found');
  });

  it('PATCH edits title, description and hashtags and bumps metadataModifiedAt', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const before = (await get(post.sqid, artist)).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/posts/${post.sqid}`,
      headers: artist.auth,
      payload: { title: ' New title ', description: '', hashtags: ['#Dawn', 'DAWN', 'sea'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ title: 'New title', description: null, hashtags: ['dawn', 'sea'] });
    expect(Date.parse(res.json().metadataModifiedAt)).toBeGreaterThan(Date.parse(before.metadataModifiedAt));

    for (const payload of [{}, { title: '' }, { hashtags: ['a b'] }, { hashtags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, { bogus: 1 }]) {
      const bad = await t.app.inject({ method: 'PATCH', url: `/api/v1/posts/${post.sqid}`, headers: artist.auth, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().error.code).toBe('validation_error');
    }
  });

  it('hide / unhide: hidden posts vanish for everyone but the artist', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const hide = await t.app.inject({ method: 'POST', url: `/api/v1/posts/${post.sqid}/hide`, headers: artist.auth });
    expect(hide.statusCode).toBe(200);
    expect(hide.json().ownerInfo.hiddenByOwner).toBe(true);
    expect((await get(post.sqid)).statusCode).toBe(404);
    expect((await get(post.sqid, other)).statusCode).toBe(404);
    expect((await get(post.sqid, artist)).statusCode).toBe(200);

    const unhide = await t.app.inject({ method: 'POST', url: `/api/v1/posts/${post.sqid}/unhide`, headers: artist.auth });
    expect(unhide.json().ownerInfo.hiddenByOwner).toBe(false);
    expect((await get(post.sqid)).statusCode).toBe(200);
  });

  it('DELETE soft-deletes: gone for everyone, the row waits for the cleanup job', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/posts/${post.sqid}`, headers: artist.auth });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await get(post.sqid, artist)).statusCode).toBe(404);
    const [row] = await t.app.db.select({ deletedAt: posts.deletedAt }).from(posts).where(eq(posts.id, post.id));
    expect(row?.deletedAt).toBeInstanceOf(Date);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/posts/${post.sqid}`, headers: artist.auth })).statusCode).toBe(404);
  });

  it('every owner route is 403 for another member who can see the post, 404 when they cannot', async () => {
    const visible = await insertReadyPost(t, artist.id, { approved: true });
    const hidden = await insertReadyPost(t, artist.id, { approved: true });
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, hidden.id));
    const png = multipartBody({}, { bytes: await makePng() });
    const routes = (sqid: string) => [
      { method: 'PATCH' as const, url: `/api/v1/posts/${sqid}`, payload: { title: 'mine now' } },
      { method: 'POST' as const, url: `/api/v1/posts/${sqid}/hide` },
      { method: 'POST' as const, url: `/api/v1/posts/${sqid}/unhide` },
      { method: 'DELETE' as const, url: `/api/v1/posts/${sqid}` },
      { method: 'PUT' as const, url: `/api/v1/posts/${sqid}/image`, payload: png.payload, headers: png.headers },
      { method: 'GET' as const, url: `/api/v1/posts/${sqid}/stats` },
    ];
    for (const [post, status] of [[visible, 403], [hidden, 404]] as const) {
      for (const r of routes(post.sqid)) {
        const res = await t.app.inject({ ...r, headers: { ...r.headers, ...other.auth } });
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(status);
        expect(res.json().error.code).toBe(status === 403 ? 'forbidden' : 'not_found');
      }
    }
    for (const r of routes(visible.sqid)) {
      expect((await t.app.inject({ ...r, headers: r.headers ?? {} })).statusCode, `visitor ${r.method} ${r.url}`).toBe(401);
    }
    const [row] = await t.app.db.select().from(posts).where(eq(posts.id, visible.id));
    expect(row).toMatchObject({ hiddenByOwnerAt: null, deletedAt: null, pendingStorageKey: null });
    expect(row?.title).not.toBe('mine now');
  });

  it('PUT image: the new image gets a new storage key once processed; the old key is retired', async () => {
    const post = await readyUpload(artist);
    const [old] = await t.app.db.select().from(posts).where(eq(posts.id, post.id));
    const res = await replaceArtworkImage(t, artist, post.sqid, await makePng(32, 32));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().ownerInfo.replacementPending).toBe(true);
    // Until the worker is done the page keeps the old image.
    expect(res.json().files.artUrl).toBe(artUrl(t.config.vault.publicBaseUrl, old!.storageKey!, 'png'));
    const again = await replaceArtworkImage(t, artist, post.sqid, await makePng());
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('post_not_replaceable');

    expect((await runProcessArtwork(t, post.id)).error).toBeUndefined();
    const [now] = await t.app.db.select().from(posts).where(eq(posts.id, post.id));
    expect(now?.storageKey).not.toBe(old?.storageKey);
    expect(now).toMatchObject({ pendingStorageKey: null, width: 32, height: 32, state: 'ready' });
    expect(now?.artworkModifiedAt).toBeInstanceOf(Date);
    const retired = await t.app.db.select().from(retiredVaultFiles).where(eq(retiredVaultFiles.storageKey, old!.storageKey!));
    expect(retired).toHaveLength(1);
    const page = (await get(post.sqid, artist)).json();
    expect(page.files.artUrl).toBe(artUrl(t.config.vault.publicBaseUrl, now!.storageKey!, 'png'));
    expect(page.ownerInfo.replacementPending).toBe(false);
  });

  it('PUT image applies the upload rules and duplicate detection', async () => {
    const post = await readyUpload(artist);
    const taken = await readyUpload(other);
    const dup = await replaceArtworkImage(t, artist, post.sqid, taken.bytes);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'artwork_duplicate', details: { postId: taken.sqid } });
    const tiny = await replaceArtworkImage(t, artist, post.sqid, await makePng(9, 9));
    expect(tiny.statusCode).toBe(400);
    expect(tiny.json().error.code).toBe('invalid_dimensions');
    const [row] = await t.app.db.select({ pending: posts.pendingStorageKey }).from(posts).where(eq(posts.id, post.id));
    expect(row?.pending).toBeNull();
  });

  it('refuses to replace the image of a post still processing', async () => {
    const created = (await uploadArtwork(t, artist, await makePng())).json();
    const res = await replaceArtworkImage(t, artist, created.id, await makePng());
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('post_not_replaceable');
  });
});
