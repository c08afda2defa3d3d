import { createHash, randomUUID } from 'node:crypto';
import { type Database, uniqueViolation } from '@makapix/db';
import { checkUploadRules, type ImageHeader } from '@makapix/media';
import { jobIds, storableInput } from '@makapix/protocol';
import { type IncomingDir, removeIncoming, storageShard, VaultFullError, writeIncoming } from '@makapix/vault';
import type { FastifyInstance } from 'fastify';
import { AppError, errors } from '../../errors.ts';
import type { AuthUser } from '../../plugins/auth.ts';
import { RATE_LIMITS } from '../../plugins/rate-limit.ts';
import { uploadFieldsSchema, type PostPatch } from '@makapix/protocol';
import { splitHashtagField } from './input.ts';
import type { UploadForm } from './multipart.ts';
import { type PostDetail } from '@makapix/protocol';
import { toPostDetail, type DetailRow } from './present.ts';
import * as repo from './repo.ts';
import type { Viewer } from '../../domain/visibility.ts';

export interface PostsContext {
  app: Pick<FastifyInstance, 'db' | 'publicId' | 'enqueue' | 'consumeRateLimit' | 'log'>;
  vault: IncomingDir & { publicBaseUrl: string };
}

/**
 * Hands the upload to the worker's process-artwork job through the vault's incoming directory
 * (atomic and fsynced there). A full disk is refused up front as 507 `storage_full` rather than met
 * halfway through the write; the worker's vault writes keep the same floor.
 */
async function handOver(ctx: PostsContext, storageKey: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeIncoming(ctx.vault, storageKey, bytes);
  } catch (err) {
    if (err instanceof VaultFullError) throw new AppError('storage_full', 'The server has no room for new uploads right now; try again later');
    throw err;
  }
}

/** The UTC calendar day (docs/product.md §4 counts views per UTC day). */
export const utcDay = (at = new Date()): string => at.toISOString().slice(0, 10);

/** docs/product.md §2: uploads per member per hour by reputation: 4 (<100), 16 (100–499), 64 (≥500). */
export function uploadAllowanceFor(reputation: number): number {
  if (reputation >= 500) return RATE_LIMITS.upload.points; // 64: the shared counter's own cap
  if (reputation >= 100) return 16;
  return 4;
}

/**
 * Charges one upload against the member's hourly allowance before a byte of the file is read, so
 * the limit also bounds the work a member can make the api do. Attempts count, not only successes.
 */
export async function chargeUpload(ctx: PostsContext, user: AuthUser): Promise<repo.Uploader> {
  const uploader = await repo.findUploader(ctx.app.db, user.id);
  if (!uploader) throw errors.unauthorized('This account no longer exists', 'account_inactive');
  await ctx.app.consumeRateLimit('upload', String(uploader.id), 1, uploadAllowanceFor(uploader.reputation));
  return uploader;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** docs/product.md §2: the 409 names the existing post (its sqid) so the client can link to it. */
function duplicateError(ctx: PostsContext, existingId: number | null): AppError {
  const details = existingId === null ? undefined : { postId: ctx.app.publicId.encode(existingId) };
  return errors.conflict('artwork_duplicate', 'The same image was already uploaded', details);
}

/** docs/product.md §2 file rules on the bytes, then the duplicate test; returns the header and hash. */
async function vetImage(ctx: PostsContext, file: Buffer | null): Promise<{ header: ImageHeader; sha256: string; bytes: Buffer }> {
  if (!file || file.length === 0) throw errors.validation([{ path: 'file', message: 'the image file is required' }]);
  const check = checkUploadRules({ bytes: file });
  if (!check.ok) throw new AppError(check.code, check.message);
  const sha256 = sha256Hex(file);
  const existing = await repo.findLivePostIdBySha256(ctx.app.db, sha256);
  if (existing !== null) throw duplicateError(ctx, existing);
  return { header: check.header, sha256, bytes: file };
}

function parseUploadFields(fields: Map<string, string[]>) {
  const problems: { path: string; message: string }[] = [];
  for (const [name, values] of fields) {
    if (name !== 'title' && name !== 'description' && name !== 'hashtags') problems.push({ path: name, message: 'unknown field' });
    else if (name !== 'hashtags' && values.length > 1) problems.push({ path: name, message: 'send this field once' });
  }
  // Issue 11 §1: multipart fields pass the text rule too (they do not go through the route validator).
  const parsed = storableInput.pipe(uploadFieldsSchema).safeParse({
    title: fields.get('title')?.[0],
    description: fields.get('description')?.[0],
    hashtags: splitHashtagField(fields.get('hashtags') ?? []),
  });
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message })));
  if (problems.length > 0 || !parsed.success) throw errors.validation(problems);
  return parsed.data;
}

const durationStats = (durations: readonly number[]) =>
  durations.length === 0
    ? { minFrameDurationMs: null, maxFrameDurationMs: null, totalDurationMs: null }
    : {
        minFrameDurationMs: Math.min(...durations),
        maxFrameDurationMs: Math.max(...durations),
        totalDurationMs: durations.reduce((a, b) => a + b, 0),
      };

/**
 * POST /posts (docs/product.md §2): validate, hand the original to the worker through the incoming
 * directory, insert the post `processing`, enqueue `process-artwork`. Nothing partial survives a
 * failure: a refused insert removes the file, a failed enqueue removes the file and the row.
 */
export async function createPost(ctx: PostsContext, viewer: Viewer, uploader: repo.Uploader, form: UploadForm): Promise<PostDetail> {
  const fields = parseUploadFields(form.fields);
  const { header, sha256, bytes } = await vetImage(ctx, form.file);
  const { db } = ctx.app;
  const storageKey = randomUUID();
  await handOver(ctx, storageKey, bytes);

  // docs/product.md §1: trusted members (and moderators, who approve posts anyway) skip the approval queue.
  const autoApproved = uploader.trusted || uploader.role !== 'member';
  let postId: number;
  try {
    postId = await repo.insertArtwork(db, {
      ownerId: uploader.id,
      title: fields.title,
      description: fields.description,
      hashtags: fields.hashtags,
      state: 'processing',
      storageKey,
      storageShard: storageShard(storageKey),
      sha256,
      nativeFormat: header.format,
      width: header.width,
      height: header.height,
      fileBytes: bytes.length,
      frameCount: header.frameCount,
      ...durationStats(header.frameDurationsMs),
      transparencyMeta: header.hasTransparencyDeclared,
      alphaMeta: header.hasAlphaDeclared,
      approvedAt: autoApproved ? new Date() : null,
    });
  } catch (err) {
    await removeIncoming(ctx.vault.incomingDir, storageKey);
    // A concurrent upload of the same bytes won the race for the unique hash.
    if (uniqueViolation(err, 'posts_sha256_live_key')) throw duplicateError(ctx, await repo.findLivePostIdBySha256(db, sha256));
    throw err;
  }

  try {
    await ctx.app.enqueue('process-artwork', { postId }, { jobId: jobIds.processArtwork(postId, storageKey) });
  } catch (err) {
    ctx.app.log.error({ err, postId }, 'could not enqueue process-artwork; upload rolled back');
    await repo.deletePostRow(db, postId);
    await removeIncoming(ctx.vault.incomingDir, storageKey);
    throw errors.unavailable('The upload could not be queued for processing; try again');
  }
  return getPostDetail(ctx, viewer, postId);
}

async function detailOf(ctx: PostsContext, viewer: Viewer, row: DetailRow): Promise<PostDetail> {
  const { db } = ctx.app;
  const isOwner = viewer.userId === row.ownerId;
  const [counts, ownerStats] = await Promise.all([repo.countsOf(db, row.id), isOwner ? repo.ownerStatsOf(db, row.id, utcDay()) : null]);
  return toPostDetail(row, { counts, ownerStats }, ctx.app.publicId, ctx.vault.publicBaseUrl);
}

/** GET /posts/{sqid}: what the viewer may see by direct link (docs/product.md §1), else 404. */
export async function getPostDetail(ctx: PostsContext, viewer: Viewer, postId: number | null): Promise<PostDetail> {
  const row = postId === null ? null : await repo.findViewablePost(ctx.app.db, viewer, postId);
  if (!row) throw errors.notFound('Post');
  return detailOf(ctx, viewer, row);
}

/**
 * The guard of every owner route: 404 when the viewer cannot even see the post, 403 when they can
 * but it is someone else's (moderators act through the moderation routes, not these).
 */
export async function loadOwnPost(db: Database, viewer: Viewer, postId: number | null): Promise<DetailRow> {
  const row = postId === null ? null : await repo.findViewablePost(db, viewer, postId);
  if (!row) throw errors.notFound('Post');
  if (row.ownerId !== viewer.userId) throw errors.forbidden('Only the artist can change this post');
  return row;
}

export async function updatePost(ctx: PostsContext, viewer: Viewer, postId: number | null, patch: PostPatch): Promise<PostDetail> {
  const row = await loadOwnPost(ctx.app.db, viewer, postId);
  await repo.updateMetadata(ctx.app.db, row.id, patch);
  return getPostDetail(ctx, viewer, row.id);
}

export async function setPostHidden(ctx: PostsContext, viewer: Viewer, postId: number | null, hidden: boolean): Promise<PostDetail> {
  const row = await loadOwnPost(ctx.app.db, viewer, postId);
  await repo.setHiddenByOwner(ctx.app.db, row.id, hidden);
  return getPostDetail(ctx, viewer, row.id);
}

export async function deletePost(ctx: PostsContext, viewer: Viewer, postId: number | null): Promise<void> {
  const row = await loadOwnPost(ctx.app.db, viewer, postId);
  await repo.softDeletePost(ctx.app.db, row.id);
}

const notReplaceable = () =>
  errors.conflict('post_not_replaceable', 'The image can be replaced only once the post is ready and no other replacement is processing');

/** Owner check, replaceability and the upload allowance, all before the new file is read. */
export async function beginReplacement(ctx: PostsContext, viewer: Viewer, user: AuthUser, postId: number | null): Promise<DetailRow> {
  const row = await loadOwnPost(ctx.app.db, viewer, postId);
  if (row.state !== 'ready' || row.pendingStorageKey !== null) throw notReplaceable();
  await chargeUpload(ctx, user);
  return row;
}

/**
 * PUT /posts/{sqid}/image (docs/device-protocol.md §8: content at a key never changes, so a replacement mints
 * a new key). The new original waits in `pending_storage_key`; `process-artwork` sees the pending
 * key, writes its files, then swaps storage_key ← pending and retires the old key. Until then the
 * post keeps showing the old image.
 */
export async function replaceImage(ctx: PostsContext, viewer: Viewer, row: DetailRow, form: UploadForm): Promise<PostDetail> {
  if (form.fields.size > 0) throw errors.validation([...form.fields.keys()].map((path) => ({ path, message: 'only `file` is accepted here' })));
  const { bytes } = await vetImage(ctx, form.file);
  const pendingKey = randomUUID();
  await handOver(ctx, pendingKey, bytes);
  if (!(await repo.claimReplacement(ctx.app.db, row.id, pendingKey))) {
    await removeIncoming(ctx.vault.incomingDir, pendingKey);
    throw notReplaceable();
  }
  try {
    await ctx.app.enqueue('process-artwork', { postId: row.id }, { jobId: jobIds.processArtwork(row.id, pendingKey) });
  } catch (err) {
    ctx.app.log.error({ err, postId: row.id }, 'could not enqueue the replacement; rolled back');
    await repo.releaseReplacement(ctx.app.db, row.id, pendingKey);
    await removeIncoming(ctx.vault.incomingDir, pendingKey);
    throw errors.unavailable('The replacement could not be queued for processing; try again');
  }
  return getPostDetail(ctx, viewer, row.id);
}
