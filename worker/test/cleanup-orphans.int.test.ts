import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { posts } from '@makapix/db';
import { canonicalPath, incomingPath, incomingTempPath } from '@makapix/vault';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupJob } from '../src/jobs/cleanup.ts';
import { processArtworkJob } from '../src/jobs/process-artwork.ts';
import { pixelArt, rawInput } from './artwork-fixtures.ts';
import { type TestEnv, createTestEnv, insertUpload, insertUser, jobContext, listFiles } from './helpers.ts';

let env: TestEnv;
let ownerId: number;
let outside: string;
const HOUR = 3600_000;

beforeAll(async () => {
  env = await createTestEnv();
  ownerId = (await insertUser(env.dbHandle)).id;
  outside = await mkdtemp(path.join(tmpdir(), 'cleanup-outside-'));
});
afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
  await env.close();
});

const incoming = (name: string) => path.join(env.config.vault.incomingDir, name);
/** Writes a file and dates it `ageMs` ago (what a crash `ageMs` ago would have left). */
async function leave(file: string, ageMs: number, content: string | Buffer = 'left behind'): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  const at = new Date(Date.now() - ageMs);
  await utimes(file, at, at);
  return file;
}
const age = async (file: string, ageMs: number) => utimes(file, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
const upload = async () => insertUpload(env, ownerId, randomBytes(64));
const exists = async (file: string) => readFile(file).then(() => true, () => false);

describe('cleanup: files a crash leaves behind (docs/product.md §6 retired vault files)', () => {
  it('removes stale vault temp files and orphan uploads, keeps anything young, claimed, foreign or linked', async () => {
    // Vault: a ready artwork, and the temp file of a write killed before its rename beside its files.
    const png = await rawInput(pixelArt(16, 16, 1, 5)).png().toBuffer();
    const art = await insertUpload(env, ownerId, png);
    await processArtworkJob.handle({ postId: art.postId }, jobContext(env.services));
    const shardDir = path.dirname(path.join(env.config.vault.dir, canonicalPath(art.storageKey, 'png')));
    const crashedWrite = await leave(path.join(shardDir, `.${art.storageKey}.webp.0123456789ab.tmp`), 2 * HOUR);
    const inFlightWrite = await leave(path.join(shardDir, `.${art.storageKey}.gif.ba9876543210.tmp`), 60_000);
    const victim = await leave(path.join(outside, 'victim.tmp'), 2 * HOUR, 'not the vault’s');
    await symlink(victim, path.join(shardDir, `.${art.storageKey}.bmp.aaaaaaaaaaaa.tmp`));
    await symlink(outside, path.join(env.config.vault.dir, 'elsewhere'));
    await leave(path.join(outside, `.${art.storageKey}.png.bbbbbbbbbbbb.tmp`), 2 * HOUR);

    // Incoming: the worker died after marking the post ready, before removing the upload.
    await leave(incomingPath(env.config.vault.incomingDir, art.storageKey), 2 * HOUR, png);
    const failed = await upload();
    await env.dbHandle.db.update(posts).set({ state: 'failed', failureReason: 'corrupt_image: test' }).where(eq(posts.id, failed.postId));
    const deleted = await upload();
    await env.dbHandle.db.update(posts).set({ deletedAt: new Date() }).where(eq(posts.id, deleted.postId));
    const processing = await upload();
    const replacement = randomUUID();
    await env.dbHandle.db.update(posts).set({ pendingStorageKey: replacement }).where(eq(posts.id, art.postId));
    await leave(incomingPath(env.config.vault.incomingDir, replacement), 2 * HOUR);
    for (const u of [failed, deleted, processing]) await age(incomingPath(env.config.vault.incomingDir, u.storageKey), 2 * HOUR);
    // The api died between creating its temp file and the rename; another upload is being written now.
    const apiCrash = await leave(incomingTempPath(env.config.vault.incomingDir, randomUUID(), 'c0ffeec0ffee'), 2 * HOUR);
    const apiInFlight = await leave(incomingTempPath(env.config.vault.incomingDir, randomUUID(), 'feedfacefeed'), 5_000);
    // Written, not yet inserted (the api is between the file and its INSERT): young, so kept.
    const unclaimedYoung = await leave(incomingPath(env.config.vault.incomingDir, randomUUID()), 30 * 60_000);
    const foreign = await leave(incoming('notes.txt'), 2 * HOUR);
    const linked = incomingPath(env.config.vault.incomingDir, randomUUID());
    await symlink(victim, linked);

    const counts = await cleanupJob.handle({ tasks: ['retired-vault-files'] }, jobContext(env.services));
    // 1 vault temp file + the ready, failed and deleted posts' uploads + the api's stale temp file.
    expect(counts).toEqual({ 'retired-vault-files': 5 });

    expect(await exists(crashedWrite)).toBe(false);
    expect(await exists(inFlightWrite)).toBe(true);
    expect(await readFile(victim, 'utf8')).toBe('not the vault’s');
    expect((await readdir(outside)).sort()).toEqual([`.${art.storageKey}.png.bbbbbbbbbbbb.tmp`, 'victim.tmp']);
    const vaultFiles = (await listFiles(env.config.vault.dir)).filter((f) => !f.startsWith('elsewhere'));
    expect(vaultFiles.filter((f) => !path.basename(f).startsWith('.'))).toHaveLength(10);

    expect((await readdir(env.config.vault.incomingDir)).sort()).toEqual(
      [
        path.basename(incomingPath(env.config.vault.incomingDir, processing.storageKey)),
        path.basename(incomingPath(env.config.vault.incomingDir, replacement)),
        path.basename(apiInFlight),
        path.basename(unclaimedYoung),
        path.basename(foreign),
        path.basename(linked),
      ].sort(),
    );
    expect(await exists(apiCrash)).toBe(false);

    // Idempotent: a second run finds nothing more.
    expect(await cleanupJob.handle({ tasks: ['retired-vault-files'] }, jobContext(env.services))).toEqual({ 'retired-vault-files': 0 });
  });
});
