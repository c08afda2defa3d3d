import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { posts } from '@makapix/db';
import { MAX_UPLOAD_BYTES } from '@makapix/media';
import { artUrl, canonicalPath, upscaledPath, upscaledUrl, incomingPath } from '@makapix/vault';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeBmp, makeBombPng, makeGif, makeJpeg, makeOversizedPng, makePng, makeWebp } from '../../../test/fixtures/artwork-images.ts';
import { createArtist, multipartBody, uploadArtwork } from '../../../test/fixtures/posting.ts';
import { runProcessArtwork } from '../../../test/fixtures/process-artwork.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('POST /api/v1/posts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ VAULT_INCOMING_DIR: path.join(inject('scratchDir'), `incoming-${process.pid}-${Date.now()}`) });
  });
  afterAll(async () => t.close());

  const postRow = async (sqid: string) => {
    const id = t.app.publicId.decode(sqid);
    const [row] = await t.app.db.select().from(posts).where(eq(posts.id, id ?? 0));
    if (!row) throw new Error(`no post ${sqid}`);
    return row;
  };

  // Noise images: 16×16 and 8×16 have at most 256 colours, so even a GIF rendition is exact; the
  // larger ones have more, so the worker skips GIF (never dithered) and the page must not list it.
  const ALL = ['png', 'gif', 'webp', 'bmp'];
  const cases = [
    { name: 'png', make: () => makePng(16, 16), format: 'png', frames: 1, renditions: ALL },
    { name: 'gif', make: () => makeGif(32, 32), format: 'gif', frames: 1, renditions: ALL },
    { name: 'webp', make: () => makeWebp(128, 200), format: 'webp', frames: 1, renditions: ['png', 'webp', 'bmp'] },
    { name: 'bmp', make: async () => makeBmp(8, 16), format: 'bmp', frames: 1, renditions: ALL },
    { name: 'animated gif', make: () => makeGif(16, 16, 3), format: 'gif', frames: 3, renditions: ['gif', 'webp'] },
    { name: 'animated webp', make: () => makeWebp(64, 64, 4), format: 'webp', frames: 4, renditions: ['webp'] },
  ] as const;

  for (const c of cases) {
    it(`accepts ${c.name}: 202 processing, then ready with every rendition in the vault`, async () => {
      const artist = await createArtist(t);
      const bytes = await c.make();
      const res = await uploadArtwork(t, artist, bytes, { title: `My ${c.name}`, hashtags: '#Pixel ART' });
      expect(res.statusCode, res.body).toBe(202);
      const created = res.json();
      expect(created).toMatchObject({ state: 'processing', title: `My ${c.name}`, hashtags: ['pixel', 'art'], files: null, nativeFormat: c.format, frameCount: c.frames });
      expect(created.owner).toEqual({ id: artist.sqid, handle: artist.handle });

      const row = await postRow(created.id);
      const incoming = incomingPath(t.config.vault.incomingDir, row.storageKey!);
      expect(await readFile(incoming)).toEqual(bytes);

      const run = await runProcessArtwork(t, row.id);
      expect(run.error).toBeUndefined();
      expect(existsSync(incoming)).toBe(false);

      const page = await t.app.inject({ method: 'GET', url: `/api/v1/posts/${created.id}`, headers: artist.auth });
      expect(page.statusCode).toBe(200);
      const post = page.json();
      expect(post.state).toBe('ready');
      const base = t.config.vault.publicBaseUrl;
      const key = row.storageKey!;
      expect(post.files.artUrl).toBe(artUrl(base, key, c.format));
      expect(post.files.upscaledUrl).toBe(upscaledUrl(base, key));
      expect(post.files.renditions.map((r: { format: string }) => r.format)).toEqual(c.renditions);
      for (const r of post.files.renditions) expect(r.url).toBe(artUrl(base, key, r.format));
      // The page lists exactly the files the worker wrote under the canonical shard.
      const shardDir = path.dirname(path.join(t.vaultDir, canonicalPath(key, 'png')));
      const onDisk = (await readdir(shardDir)).filter((f) => f.startsWith(key)).sort();
      const listed = [...post.files.renditions.map((r: { format: string }) => `${key}.${r.format}`), path.basename(upscaledPath(key))].sort();
      expect(onDisk).toEqual(listed);
    });
  }

  it('enqueues process-artwork with the deterministic job id', async () => {
    const artist = await createArtist(t);
    const res = await uploadArtwork(t, artist, await makePng());
    const row = await postRow(res.json().id);
    const queue = new Queue('artwork', { connection: { url: t.config.redis.url } });
    try {
      const job = await queue.getJob(`process-artwork-${row.id}-${row.storageKey}`);
      expect(job?.name).toBe('process-artwork');
      expect(job?.data).toEqual({ postId: row.id });
    } finally {
      await queue.close();
    }
  });

  it('approves at once for trusted members only', async () => {
    const trusted = await createArtist(t, { trusted: true });
    const newcomer = await createArtist(t);
    expect((await uploadArtwork(t, trusted, await makePng())).json().approved).toBe(true);
    expect((await uploadArtwork(t, newcomer, await makePng())).json().approved).toBe(false);
  });

  const rejections = [
    { name: 'JPEG bytes named .png', make: () => makeJpeg(), status: 400, code: 'unsupported_format' },
    { name: 'plain text', make: async () => Buffer.from('definitely not an image'), status: 400, code: 'unsupported_format' },
    { name: '9×9', make: () => makePng(9, 9), status: 400, code: 'invalid_dimensions' },
    { name: '300×10', make: () => makePng(300, 10), status: 400, code: 'invalid_dimensions' },
    { name: '257×257', make: () => makePng(257, 257), status: 400, code: 'invalid_dimensions' },
    { name: 'a 60000×60000 header (decompression bomb)', make: async () => makeBombPng(), status: 400, code: 'decompression_bomb' },
    { name: '1025 frames', make: () => makeGif(8, 8, 1025), status: 400, code: 'too_many_frames' },
    { name: 'a truncated PNG', make: async () => (await makePng()).subarray(0, 20), status: 400, code: 'corrupt_image' },
    { name: '5 MiB + 1 byte', make: () => makeOversizedPng(MAX_UPLOAD_BYTES + 1), status: 413, code: 'file_too_large' },
    { name: '7 MiB (refused from Content-Length)', make: () => makeOversizedPng(7 * 1024 * 1024), status: 413, code: 'file_too_large' },
  ];
  for (const r of rejections) {
    it(`refuses ${r.name} with ${r.status} ${r.code} and keeps nothing`, async () => {
      const artist = await createArtist(t);
      const res = await uploadArtwork(t, artist, await r.make(), { title: r.name });
      expect(res.statusCode, res.body).toBe(r.status);
      expect(res.json().error.code).toBe(r.code);
      expect(await t.app.db.select({ id: posts.id }).from(posts).where(eq(posts.ownerId, artist.id))).toEqual([]);
    });
  }

  it('accepts exactly 5 MiB', async () => {
    const artist = await createArtist(t);
    const res = await uploadArtwork(t, artist, await makeOversizedPng(MAX_UPLOAD_BYTES));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().fileBytes).toBe(MAX_UPLOAD_BYTES);
  });

  it('answers 409 artwork_duplicate naming the existing post; deleting it frees the bytes', async () => {
    const first = await createArtist(t);
    const second = await createArtist(t);
    const bytes = await makePng();
    const original = (await uploadArtwork(t, first, bytes)).json();
    const dup = await uploadArtwork(t, second, bytes);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'artwork_duplicate', details: { postId: original.id } });

    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/posts/${original.id}`, headers: first.auth })).statusCode).toBe(204);
    expect((await uploadArtwork(t, second, bytes)).statusCode).toBe(202);
  });

  it('lets only one of two concurrent uploads of the same bytes through', async () => {
    const [a, b] = [await createArtist(t), await createArtist(t)];
    const bytes = await makePng();
    const results = await Promise.all([uploadArtwork(t, a, bytes), uploadArtwork(t, b, bytes)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([202, 409]);
    const winner = results.find((r) => r.statusCode === 202)!.json();
    expect(results.find((r) => r.statusCode === 409)!.json().error.details).toEqual({ postId: winner.id });
  });

  it('normalizes hashtags and validates the text fields', async () => {
    const artist = await createArtist(t);
    const ok = await uploadArtwork(t, artist, await makePng(), { title: '  Sunset  ', hashtags: ['#Retro', 'RETRO, ##pixel', 'sky'] });
    expect(ok.statusCode, ok.body).toBe(202);
    expect(ok.json()).toMatchObject({ title: 'Sunset', hashtags: ['retro', 'pixel', 'sky'], description: null });

    const bad: { fields: Record<string, string>; path: string }[] = [
      { fields: { title: '' }, path: 'title' },
      { fields: { title: 'x'.repeat(129) }, path: 'title' },
      { fields: { title: 'ok', description: 'd'.repeat(5001) }, path: 'description' },
      { fields: { title: 'ok', hashtags: Array.from({ length: 65 }, (_, i) => `tag${i}`).join(' ') }, path: 'hashtags' },
      { fields: { title: 'ok', hashtags: 'x'.repeat(65) }, path: 'hashtags.0' },
      { fields: { title: 'ok', colour: 'red' }, path: 'colour' },
    ];
    for (const b of bad) {
      const res = await uploadArtwork(t, artist, await makePng(), b.fields);
      expect(res.statusCode, JSON.stringify(b.fields).slice(0, 60)).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(b.path);
    }
    const noTitle = await uploadArtwork(t, artist, await makePng(), {});
    expect(noTitle.json().error.code).toBe('validation_error');
  });

  it('needs a file, multipart, and a signed-in member', async () => {
    const artist = await createArtist(t);
    const noFile = await uploadArtwork(t, artist, null);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.details).toEqual([{ path: 'file', message: 'the image file is required' }]);

    const json = await t.app.inject({ method: 'POST', url: '/api/v1/posts', headers: artist.auth, payload: { title: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('unsupported_media_type');

    const twoFiles = multipartBody({ title: 'two' }, [{ bytes: await makePng() }, { bytes: await makePng() }]);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/posts', headers: { ...twoFiles.headers, ...artist.auth }, payload: twoFiles.payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_error');

    const visitor = await uploadArtwork(t, null, await makePng());
    expect(visitor.statusCode).toBe(401);
  });

  it('leaves no row and no file when the job cannot be enqueued', async () => {
    const artist = await createArtist(t);
    const original = t.app.enqueue;
    t.app.enqueue = async () => {
      throw new Error('redis is down');
    };
    try {
      const res = await uploadArtwork(t, artist, await makePng());
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('service_unavailable');
    } finally {
      t.app.enqueue = original;
    }
    expect(await t.app.db.select({ id: posts.id }).from(posts).where(eq(posts.ownerId, artist.id))).toEqual([]);
    const left = await readdir(t.config.vault.incomingDir);
    const known = new Set((await t.app.db.select({ key: posts.storageKey }).from(posts)).map((r) => path.basename(incomingPath(t.config.vault.incomingDir, r.key!))));
    expect(left.filter((f) => !known.has(f))).toEqual([]);
  });

  it('refuses an upload with 507 storage_full when the disk is under the free-space floor, keeping nothing', async () => {
    const incomingDir = path.join(inject('scratchDir'), `incoming-full-${process.pid}-${Date.now()}`);
    // A floor no disk can clear stands in for a full disk.
    const full = await createTestApp({ VAULT_INCOMING_DIR: incomingDir, VAULT_MIN_FREE_BYTES: String(2 ** 52) });
    try {
      const artist = await createArtist(full);
      const res = await uploadArtwork(full, artist, await makePng());
      expect(res.statusCode, res.body).toBe(507);
      expect(res.json().error.code).toBe('storage_full');
      expect(await full.app.db.select({ id: posts.id }).from(posts).where(eq(posts.ownerId, artist.id))).toEqual([]);
      expect(await readdir(incomingDir)).toEqual([]);
    } finally {
      await full.close();
    }
  });

  it('marks the post failed (visible only to its artist, with the reason) when the worker refuses it', async () => {
    const artist = await createArtist(t);
    const other = await createArtist(t);
    const created = (await uploadArtwork(t, artist, await makePng())).json();
    const row = await postRow(created.id);
    await t.app.db.update(posts).set({ sha256: 'f'.repeat(64) }).where(eq(posts.id, row.id));
    const run = await runProcessArtwork(t, row.id);
    expect(run.error?.name).toBe('UnrecoverableError');

    const mine = (await t.app.inject({ method: 'GET', url: `/api/v1/posts/${created.id}`, headers: artist.auth })).json();
    expect(mine.state).toBe('failed');
    expect(mine.ownerInfo.failureReason).toMatch(/upload_mismatch/);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/posts/${created.id}`, headers: other.auth })).statusCode).toBe(404);
  });
});
