import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  certificateRevocationLists,
  emailVerificationTokens,
  notifications,
  players,
  posts,
  retiredVaultFiles,
  revokedCertificates,
} from '@makapix/db';
import { parseCrl, verifyCrlSignedBy } from '@makapix/pki';
import { parsePlayerEvent, type PlayerEvent, playerEventsChannel } from '@makapix/protocol';
import { aliasPath, canonicalPath, incomingPath } from '@makapix/vault';
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupJob } from '../src/jobs/cleanup.ts';
import { markStalePlayersOfflineJob } from '../src/jobs/mark-stale-players-offline.ts';
import { processArtworkJob } from '../src/jobs/process-artwork.ts';
import { renewCrlJob } from '../src/jobs/renew-crl.ts';
import { verifyVaultJob } from '../src/jobs/verify-vault.ts';
import { pixelArt, rawInput } from './artwork-fixtures.ts';
import { type TestEnv, createTestEnv, insertUpload, insertUser, jobContext, listFiles } from './helpers.ts';

let env: TestEnv;
let ownerId: number;
const DAY = 24 * 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

beforeAll(async () => {
  env = await createTestEnv();
  ownerId = (await insertUser(env.dbHandle)).id;
});
afterAll(() => env.close());

async function readyArtwork(colours: number) {
  const upload = await insertUpload(env, ownerId, await rawInput(pixelArt(16, 16, 1, colours)).png().toBuffer());
  await processArtworkJob.handle({ postId: upload.postId }, jobContext(env.services));
  return upload;
}

describe('mark-stale-players-offline', () => {
  it('marks online players silent for over 3 minutes offline, and only them', async () => {
    const rows = await env.dbHandle.db.insert(players).values([
      { playerKey: randomUUID(), status: 'online', lastSeenAt: ago(4 * 60_000) },
      { playerKey: randomUUID(), status: 'online', lastSeenAt: ago(60_000) },
      { playerKey: randomUUID(), status: 'online', lastSeenAt: null },
      { playerKey: randomUUID(), status: 'offline', lastSeenAt: ago(DAY) },
    ]).returning({ id: players.id });
    const result = await markStalePlayersOfflineJob.handle({ staleAfterMs: 180_000 }, jobContext(env.services));
    // Unowned (never registered) players: nobody to tell.
    expect(result).toEqual({ markedOffline: 2, announced: 0 });
    const states = await env.dbHandle.db.select({ id: players.id, status: players.status }).from(players).where(inArray(players.id, rows.map((r) => r.id)));
    expect(states.sort((a, b) => a.id - b.id).map((s) => s.status)).toEqual(['offline', 'online', 'offline', 'offline']);
    expect(await markStalePlayersOfflineJob.handle({ staleAfterMs: 180_000 }, jobContext(env.services))).toEqual({ markedOffline: 0, announced: 0 });
  });

  it('tells each owner, on their live player-events channel, which of their players went offline', async () => {
    const other = (await insertUser(env.dbHandle)).id;
    const seenAt = ago(5 * 60_000);
    const [stale, fresh, deleted, foreign] = await env.dbHandle.db.insert(players).values([
      { playerKey: randomUUID(), ownerId, registeredAt: ago(DAY), status: 'online', lastSeenAt: seenAt, firmwareVersion: '1.4.0' },
      { playerKey: randomUUID(), ownerId, registeredAt: ago(DAY), status: 'online', lastSeenAt: ago(10_000) },
      { playerKey: randomUUID(), ownerId, registeredAt: ago(DAY), deletedAt: ago(1000), status: 'online', lastSeenAt: seenAt },
      { playerKey: randomUUID(), ownerId: other, registeredAt: ago(DAY), status: 'online', lastSeenAt: seenAt },
    ]).returning({ playerKey: players.playerKey });
    const sub = env.services.redis.duplicate();
    const heard: { channel: string; event: PlayerEvent | null }[] = [];
    sub.on('message', (channel: string, raw: string) => heard.push({ channel, event: parsePlayerEvent(raw) }));
    await sub.subscribe(playerEventsChannel(ownerId), playerEventsChannel(other));
    try {
      expect(await markStalePlayersOfflineJob.handle({ staleAfterMs: 180_000 }, jobContext(env.services))).toEqual({ markedOffline: 3, announced: 2 });
      const deadline = Date.now() + 5_000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toHaveLength(2);
      const mine = heard.find((h) => h.channel === playerEventsChannel(ownerId))!;
      // The very event the api publishes on a status change (packages/protocol playerStatusEvent).
      expect(mine.event).toEqual({
        type: 'status',
        playerKey: stale!.playerKey,
        at: expect.any(String),
        data: { status: 'offline', currentPostId: null, firmwareVersion: '1.4.0', lastSeenAt: seenAt.toISOString() },
      });
      expect(heard.find((h) => h.channel === playerEventsChannel(other))!.event?.playerKey).toBe(foreign!.playerKey);
      expect(heard.map((h) => h.event?.playerKey)).not.toContain(fresh!.playerKey);
      expect(heard.map((h) => h.event?.playerKey)).not.toContain(deleted!.playerKey);
    } finally {
      await sub.quit();
    }
  });
});

describe('cleanup', () => {
  it('purges old soft-deleted posts with their files, expired codes, tokens, notifications and orphan uploads', async () => {
    const old = await readyArtwork(3);
    const recent = await readyArtwork(4);
    await env.dbHandle.db.update(posts).set({ deletedAt: ago(8 * DAY) }).where(eq(posts.id, old.postId));
    await env.dbHandle.db.update(posts).set({ deletedAt: ago(DAY) }).where(eq(posts.id, recent.postId));
    const [expiredCode] = await env.dbHandle.db.insert(players).values({ playerKey: randomUUID(), registrationCode: 'ABCDEF', registrationCodeExpiresAt: ago(60_000) }).returning({ id: players.id });
    const [liveCode] = await env.dbHandle.db.insert(players).values({ playerKey: randomUUID(), registrationCode: 'GHJKMN', registrationCodeExpiresAt: new Date(Date.now() + 600_000) }).returning({ id: players.id });
    await env.dbHandle.db.insert(emailVerificationTokens).values([
      { userId: ownerId, tokenHash: randomUUID(), expiresAt: ago(1000) },
      { userId: ownerId, tokenHash: randomUUID(), expiresAt: new Date(Date.now() + DAY) },
    ]);
    await env.dbHandle.db.insert(notifications).values([
      { recipientId: ownerId, type: 'follow', readAt: ago(40 * DAY) },
      { recipientId: ownerId, type: 'follow', readAt: ago(DAY) },
    ]);
    const orphanKey = randomUUID();
    const orphan = incomingPath(env.config.vault.incomingDir, orphanKey);
    await writeFile(orphan, 'abandoned');
    await utimes(orphan, ago(2 * DAY), ago(2 * DAY));

    const counts = await cleanupJob.handle({ tasks: ['registration-codes', 'deleted-posts', 'expired-tokens', 'old-notifications', 'retired-vault-files'] }, jobContext(env.services));
    expect(counts).toMatchObject({ 'registration-codes': 1, 'deleted-posts': 1, 'expired-tokens': 1, 'old-notifications': 1 });
    // 10 files (5 renditions × 2 layouts) of the purged post, plus the orphan upload.
    expect(counts['retired-vault-files']).toBe(11);

    const files = await listFiles(env.config.vault.dir);
    expect(files.filter((f) => f.includes(old.storageKey))).toEqual([]);
    expect(files.filter((f) => f.includes(recent.storageKey))).toHaveLength(10);
    expect(await env.dbHandle.db.select().from(posts).where(eq(posts.id, old.postId))).toEqual([]);
    expect(await env.dbHandle.db.select().from(retiredVaultFiles)).toEqual([]);
    const codes = await env.dbHandle.db.select({ id: players.id, code: players.registrationCode }).from(players).where(inArray(players.id, [expiredCode?.id ?? 0, liveCode?.id ?? 0]));
    expect(codes.sort((a, b) => a.id - b.id).map((c) => c.code)).toEqual([null, 'GHJKMN']);
    await expect(readFile(orphan)).rejects.toThrow(/ENOENT/);
  });

  it('keeps a replaced image for its grace period, then deletes it; never deletes a key in use', async () => {
    const art = await readyArtwork(5);
    // Replace the image: the worker promotes the new key and retires the old one (dated now).
    const newKey = randomUUID();
    await writeFile(incomingPath(env.config.vault.incomingDir, newKey), await rawInput(pixelArt(16, 16, 1, 9)).png().toBuffer());
    await env.dbHandle.db.update(posts).set({ pendingStorageKey: newKey }).where(eq(posts.id, art.postId));
    await processArtworkJob.handle({ postId: art.postId }, jobContext(env.services));
    const filesOf = async (key: string) => (await listFiles(env.config.vault.dir)).filter((f) => f.includes(key));

    await cleanupJob.handle({ tasks: ['retired-vault-files'] }, jobContext(env.services));
    expect(await filesOf(art.storageKey)).toHaveLength(10);
    await env.dbHandle.db.update(retiredVaultFiles).set({ retiredAt: ago(2 * DAY) }).where(eq(retiredVaultFiles.storageKey, art.storageKey));
    await cleanupJob.handle({ tasks: ['retired-vault-files'] }, jobContext(env.services));
    expect(await filesOf(art.storageKey)).toEqual([]);
    expect(await filesOf(newKey)).toHaveLength(10);

    // A retired entry naming a key a post still uses is dropped without touching the files.
    await env.dbHandle.db.insert(retiredVaultFiles).values({ storageKey: newKey, retiredAt: ago(30 * DAY) });
    await cleanupJob.handle({ tasks: ['retired-vault-files'] }, jobContext(env.services));
    expect(await filesOf(newKey)).toHaveLength(10);
    expect(await env.dbHandle.db.select().from(retiredVaultFiles)).toEqual([]);
  });
});

describe('verify-vault', () => {
  it('flags posts whose native file is missing or altered, clears repaired ones, and saves progress', async () => {
    const intact = await readyArtwork(6);
    const altered = await readyArtwork(7);
    const missing = await readyArtwork(8);
    const alteredPath = path.join(env.config.vault.dir, aliasPath(altered.storageKey, 'png'));
    const original = await readFile(alteredPath);
    await writeFile(alteredPath, Buffer.concat([original, Buffer.from([0])]));
    await rm(path.join(env.config.vault.dir, canonicalPath(missing.storageKey, 'png')));

    const ctx = jobContext(env.services, { afterPostId: 0 });
    const result = await verifyVaultJob.handle({ afterPostId: 0 }, ctx);
    expect(result).toMatchObject({ flagged: [altered.postId, missing.postId], cleared: [] });
    expect(ctx.data.afterPostId).toBeGreaterThanOrEqual(missing.postId);
    const flags = await env.dbHandle.db.select({ id: posts.id, bad: posts.nonConformant }).from(posts).where(inArray(posts.id, [intact.postId, altered.postId, missing.postId]));
    expect(Object.fromEntries(flags.map((f) => [f.id, f.bad]))).toEqual({ [intact.postId]: false, [altered.postId]: true, [missing.postId]: true });

    await writeFile(alteredPath, original);
    const again = await verifyVaultJob.handle({ afterPostId: 0 }, jobContext(env.services));
    expect(again).toMatchObject({ flagged: [], cleared: [altered.postId] });
    // Resuming after the last post checks nothing.
    expect(await verifyVaultJob.handle({ afterPostId: missing.postId }, jobContext(env.services))).toMatchObject({ checked: 0 });
  });
});

describe('renew-crl', () => {
  it('re-signs when forced or near expiry, lists revoked serials, and otherwise does nothing', async () => {
    await mkdir(path.dirname(env.config.pki.crlFile), { recursive: true });
    await env.dbHandle.db.insert(revokedCertificates).values({ serial: '0a1b2c3d', reason: 'test' });
    const first = await renewCrlJob.handle({ force: false }, jobContext(env.services));
    expect(first).toMatchObject({ renewed: true, revoked: 1 });
    const pem = await readFile(env.config.pki.crlFile, 'utf8');
    expect(verifyCrlSignedBy(pem, await readFile(env.config.pki.caCertFile, 'utf8'))).toBe(true);
    expect(parseCrl(pem).serials).toEqual(['0a1b2c3d']);

    expect(await renewCrlJob.handle({ force: false }, jobContext(env.services))).toMatchObject({ renewed: false });
    const forced = await renewCrlJob.handle({ force: true }, jobContext(env.services));
    expect(forced).toMatchObject({ renewed: true });
    const rows = await env.dbHandle.db.select({ n: certificateRevocationLists.crlNumber }).from(certificateRevocationLists);
    const numbers = rows.map((r) => r.n).sort((a, b) => a - b);
    expect(numbers).toHaveLength(2);
    expect((numbers[1] as number) > (numbers[0] as number)).toBe(true);
  });
});
