import { existsSync } from 'node:fs';
import path from 'node:path';
import { posts } from '@makapix/db';
import { type VaultExt, aliasPath, canonicalPath, upscaledAliasPath, upscaledPath, incomingPath } from '@makapix/vault';
import { S3VaultStore } from '@makapix/vault/s3-store';
import { type TestS3Server, startTestS3Server } from '@makapix/vault/test-helpers';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupJob } from '../src/jobs/cleanup.ts';
import { processArtworkJob } from '../src/jobs/process-artwork.ts';
import { verifyVaultJob } from '../src/jobs/verify-vault.ts';
import { decodeForTest, expectSamePixels, pixelArt, rawInput } from './artwork-fixtures.ts';
import { type TestEnv, createTestEnv, insertUpload, insertUser, jobContext, listFiles } from './helpers.ts';

/**
 * docs/product.md §2/§7: with VAULT_S3_* set, the worker's jobs keep the vault in a bucket. These run the
 * real job handlers against a real S3-compatible server; the local vault directory must stay empty.
 */
let s3: TestS3Server;
let env: TestEnv;
/** Reads the bucket as another process (a CDN origin, a second worker) would. */
let reader: S3VaultStore;
let ownerId: number;
const PREFIX = 'vault';
const DAY = 24 * 3600_000;

beforeAll(async () => {
  s3 = await startTestS3Server();
  env = await createTestEnv(s3.env(PREFIX));
  reader = new S3VaultStore(s3.storeOptions({ prefix: PREFIX }));
  ownerId = (await insertUser(env.dbHandle)).id;
});

afterAll(async () => {
  await reader?.close();
  await env?.close();
  await s3?.close();
});

async function keysOf(storageKey: string): Promise<string[]> {
  const out: string[] = [];
  for await (const key of reader.list()) if (key.includes(storageKey)) out.push(key);
  return out.sort();
}

async function processedPng(colours: number) {
  const bytes = await rawInput(pixelArt(32, 16, 1, colours, true)).png().toBuffer();
  const upload = await insertUpload(env, ownerId, bytes);
  const result = await processArtworkJob.handle({ postId: upload.postId }, jobContext(env.services));
  expect(result).toMatchObject({ state: 'ready', skipped: [] });
  return { ...upload, bytes };
}

describe('the worker with the vault in an S3-compatible bucket', () => {
  it('is configured from VAULT_S3_* alone', () => {
    expect(env.config.vault.s3).toMatchObject({ bucket: s3.bucket, endpoint: s3.endpoint, prefix: PREFIX, forcePathStyle: true });
    expect(env.services.vault).toBeInstanceOf(S3VaultStore);
  });

  it('process-artwork writes every rendition at both layouts into the bucket, none on local disk', async () => {
    const { storageKey, postId, bytes } = await processedPng(9);
    const exts: VaultExt[] = ['png', 'gif', 'webp', 'bmp'];
    const expected = exts.flatMap((ext) => [canonicalPath(storageKey, ext), aliasPath(storageKey, ext)]);
    expected.push(upscaledPath(storageKey), upscaledAliasPath(storageKey));
    expect(await keysOf(storageKey)).toEqual(expected.sort());

    // The device alias (docs/device-protocol.md §8) is a full copy in the bucket, not a link that exists only on disk.
    for (const rel of [canonicalPath(storageKey, 'png'), aliasPath(storageKey, 'png')]) {
      expect(Buffer.from((await reader.get(rel)) ?? []).equals(bytes)).toBe(true);
    }
    const reference = await decodeForTest(bytes);
    for (const ext of ['gif', 'webp', 'bmp'] as const) {
      expectSamePixels(await decodeForTest((await reader.get(aliasPath(storageKey, ext))) ?? new Uint8Array()), reference, ext);
    }

    expect(await listFiles(env.config.vault.dir)).toEqual([]);
    expect(existsSync(incomingPath(env.config.vault.incomingDir, storageKey))).toBe(false);
    const [post] = await env.dbHandle.db.select({ state: posts.state }).from(posts).where(eq(posts.id, postId));
    expect(post?.state).toBe('ready');
  });

  it('verify-vault re-hashes the native files in the bucket and flags a missing alias', async () => {
    const art = await processedPng(5);
    const clean = await verifyVaultJob.handle({ afterPostId: art.postId - 1 }, jobContext(env.services));
    expect(clean).toMatchObject({ checked: 1, flagged: [], cleared: [] });

    expect(await reader.delete(aliasPath(art.storageKey, 'png'))).toBe(true);
    const broken = await verifyVaultJob.handle({ afterPostId: art.postId - 1 }, jobContext(env.services));
    expect(broken).toMatchObject({ flagged: [art.postId] });

    await reader.put(aliasPath(art.storageKey, 'png'), art.bytes);
    const repaired = await verifyVaultJob.handle({ afterPostId: art.postId - 1 }, jobContext(env.services));
    expect(repaired).toMatchObject({ flagged: [], cleared: [art.postId] });
  });

  it('cleanup deletes a purged post\'s files from the bucket', async () => {
    const art = await processedPng(7);
    await env.dbHandle.db.update(posts).set({ deletedAt: new Date(Date.now() - 8 * DAY) }).where(eq(posts.id, art.postId));
    const counts = await cleanupJob.handle({ tasks: ['deleted-posts', 'retired-vault-files'] }, jobContext(env.services));
    expect(counts).toMatchObject({ 'deleted-posts': 1, 'retired-vault-files': 10 });
    expect(await keysOf(art.storageKey)).toEqual([]);
  });
});
