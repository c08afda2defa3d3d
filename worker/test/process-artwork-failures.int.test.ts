import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { posts, retiredVaultFiles } from '@makapix/db';
import { crc32 } from '@makapix/media';
import { LocalVaultStore, canonicalPath, incomingPath } from '@makapix/vault';
import { UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processArtworkJob } from '../src/jobs/process-artwork.ts';
import { decodeForTest, expectSamePixels, pixelArt, rawInput, sha256 } from './artwork-fixtures.ts';
import { type TestEnv, createTestEnv, insertUpload, insertUser, jobContext, listFiles } from './helpers.ts';

let env: TestEnv;
let ownerId: number;

beforeAll(async () => {
  env = await createTestEnv();
  ownerId = (await insertUser(env.dbHandle)).id;
});
afterAll(() => env.close());

const postRow = async (postId: number) => (await env.dbHandle.db.select().from(posts).where(eq(posts.id, postId)))[0];
const vaultFilesOf = async (storageKey: string) => (await listFiles(env.config.vault.dir)).filter((f) => f.includes(storageKey));
const incoming = (storageKey: string) => incomingPath(env.config.vault.incomingDir, storageKey);

/** A PNG whose chunks (CRCs included) are well-formed but whose compressed pixels are garbage. */
async function pngWithBadPixels(): Promise<Buffer> {
  const png = await rawInput(pixelArt(32, 32, 1, 8)).png({ compressionLevel: 0 }).toBuffer();
  let pos = 8;
  while (png.toString('ascii', pos + 4, pos + 8) !== 'IDAT') pos += 12 + png.readUInt32BE(pos);
  const length = png.readUInt32BE(pos);
  for (let i = pos + 10; i < pos + 8 + length; i++) png[i] = (i * 37) & 255;
  png.writeUInt32BE(crc32(png, pos + 4, pos + 8 + length), pos + 8 + length);
  return png;
}

async function expectFailed(bytes: Uint8Array, reason: RegExp): Promise<void> {
  const { postId, storageKey } = await insertUpload(env, ownerId, bytes);
  const run = processArtworkJob.handle({ postId }, jobContext(env.services));
  await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
  await expect(run).rejects.toThrow(reason);
  const post = await postRow(postId);
  expect(post?.state).toBe('failed');
  expect(post?.failureReason).toMatch(reason);
  expect(await vaultFilesOf(storageKey)).toEqual([]);
  expect(existsSync(incoming(storageKey))).toBe(false);
}

describe('process-artwork failures leave nothing behind (docs/product.md §2, §6)', () => {
  it('a corrupt image: post failed with a reason, no files', async () => {
    await expectFailed(await pngWithBadPixels(), /^corrupt_image: the image could not be decoded/);
  });

  it('a truncated GIF and a file breaking the size rules', async () => {
    const gif = await rawInput(pixelArt(16, 16, 3, 4)).gif({ delay: [50, 50, 50] }).toBuffer();
    await expectFailed(gif.subarray(0, gif.length - 40), /^corrupt_image/);
    await expectFailed(await rawInput(pixelArt(100, 100, 1, 4)).png().toBuffer(), /^invalid_dimensions: 100×100 is not allowed/);
  });

  it('an upload that does not match the hash recorded by the api, or has vanished', async () => {
    const bytes = await rawInput(pixelArt(16, 16, 1, 4)).png().toBuffer();
    const { postId, storageKey } = await insertUpload(env, ownerId, bytes);
    await writeFile(incoming(storageKey), await rawInput(pixelArt(16, 16, 1, 5)).png().toBuffer());
    await expect(processArtworkJob.handle({ postId }, jobContext(env.services))).rejects.toThrow(/upload_mismatch/);
    expect((await postRow(postId))?.state).toBe('failed');

    const gone = await insertUpload(env, ownerId, await rawInput(pixelArt(8, 8, 1, 3)).png().toBuffer());
    await rm(incoming(gone.storageKey));
    await expect(processArtworkJob.handle({ postId: gone.postId }, jobContext(env.services))).rejects.toThrow(/upload_missing/);
    expect((await postRow(gone.postId))?.failureReason).toMatch(/upload_missing/);
  });

  it('a transient failure (vault full) is retried, and becomes final only on the last attempt', async () => {
    const bytes = await rawInput(pixelArt(16, 16, 1, 4)).png().toBuffer();
    const { postId, storageKey } = await insertUpload(env, ownerId, bytes);
    const full = { ...env.services, vault: new LocalVaultStore(env.config.vault.dir, { minFreeBytes: Number.MAX_SAFE_INTEGER }) };

    const first = processArtworkJob.handle({ postId }, jobContext(full, {}, { made: 0, of: 3 }));
    await expect(first).rejects.toThrow(/vault full/);
    await expect(first).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect((await postRow(postId))?.state).toBe('processing');
    expect(existsSync(incoming(storageKey))).toBe(true);
    expect(await vaultFilesOf(storageKey)).toEqual([]);

    await expect(processArtworkJob.handle({ postId }, jobContext(full, {}, { made: 2, of: 3 }))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await postRow(postId)).toMatchObject({ state: 'failed', failureReason: expect.stringMatching(/^processing_error: vault full/) });
  });

  it('a missing post is a permanent failure', async () => {
    await expect(processArtworkJob.handle({ postId: 999_999 }, jobContext(env.services))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});

describe('replacing an image (pending storage key)', () => {
  async function readyPost(colours: number) {
    const bytes = await rawInput(pixelArt(32, 32, 1, colours)).png().toBuffer();
    const upload = await insertUpload(env, ownerId, bytes);
    await processArtworkJob.handle({ postId: upload.postId }, jobContext(env.services));
    return { ...upload, bytes };
  }

  async function stageReplacement(postId: number, bytes: Uint8Array): Promise<string> {
    const pendingKey = randomUUID();
    await writeFile(incoming(pendingKey), bytes);
    await env.dbHandle.db.update(posts).set({ pendingStorageKey: pendingKey }).where(eq(posts.id, postId));
    return pendingKey;
  }

  it('promotes the new key with new metadata and retires the old one', async () => {
    const original = await readyPost(6);
    const replacement = await rawInput(pixelArt(64, 64, 1, 9, true)).png().toBuffer();
    const pendingKey = await stageReplacement(original.postId, replacement);
    await processArtworkJob.handle({ postId: original.postId }, jobContext(env.services));

    expect(await postRow(original.postId)).toMatchObject({
      state: 'ready', storageKey: pendingKey, pendingStorageKey: null, width: 64, sha256: sha256(replacement), artworkModifiedAt: expect.any(Date),
    });
    const retired = await env.dbHandle.db.select().from(retiredVaultFiles).where(eq(retiredVaultFiles.storageKey, original.storageKey));
    expect(retired).toHaveLength(1);
    const webp = await decodeForTest(await readFile(path.join(env.config.vault.dir, canonicalPath(pendingKey, 'webp'))));
    expectSamePixels(webp, await decodeForTest(replacement), 'replacement webp');
  });

  it('a duplicate replacement fails after its files were written: they are removed, the post keeps its image', async () => {
    const first = await readyPost(7);
    const second = await readyPost(8);
    // Replacing the second post's image with the first's bytes collides with the live sha256 index.
    const pendingKey = await stageReplacement(second.postId, first.bytes);
    await expect(processArtworkJob.handle({ postId: second.postId }, jobContext(env.services))).rejects.toThrow(/artwork_duplicate/);
    expect(await vaultFilesOf(pendingKey)).toEqual([]);
    expect(await postRow(second.postId)).toMatchObject({
      state: 'ready', storageKey: second.storageKey, pendingStorageKey: null, failureReason: expect.stringMatching(/artwork_duplicate/),
    });
    expect((await vaultFilesOf(second.storageKey)).length).toBe(10);
  });
});
