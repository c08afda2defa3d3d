import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import type { PostStats } from '@makapix/protocol';
import { ownerStatsOf } from '../posts/repo.ts';
import { loadOwnPost, utcDay } from '../posts/service.ts';
import type { Viewer } from '../../domain/visibility.ts';
import * as repo from './repo.ts';

export interface ViewsContext {
  app: Pick<FastifyInstance, 'db' | 'redis'>;
}

/** docs/product.md §4: an Artwork View is a deliberate look, at least 2 s on the page. */
export const MIN_VIEW_DWELL_MS = 2_000;

export type ViewReport = { kind: 'view'; dwellMs?: number | undefined } | { kind: 'impression' };
export type NotCountedReason = 'own_post' | 'too_short' | 'already_counted';
export interface ViewOutcome {
  counted: boolean;
  reason: NotCountedReason | null;
}

const SALT_TTL_SECONDS = 2 * 24 * 3600;

/**
 * A random salt per UTC day, shared by every api process through Redis and forgotten after two
 * days: visitors are counted once per day without storing anything that identifies them later.
 */
async function dailySalt(redis: ViewsContext['app']['redis'], day: string): Promise<string> {
  const key = `makapix:views:salt:${day}`;
  await redis.set(key, randomBytes(16).toString('hex'), 'EX', SALT_TTL_SECONDS, 'NX');
  const salt = await redis.get(key);
  if (!salt) throw new Error('view salt vanished from Redis');
  return salt;
}

/** `u:{userId}` for a member; `v:{sha256(ip + user-agent + daily salt)}` for a visitor (docs/product.md §4). */
export async function viewerKeyOf(ctx: ViewsContext, viewer: Viewer, client: { ip: string; userAgent: string }, day: string): Promise<string> {
  if (viewer.userId !== null) return `u:${viewer.userId}`;
  const salt = await dailySalt(ctx.app.redis, day);
  return `v:${createHash('sha256').update(`${client.ip}\n${client.userAgent}\n${salt}`).digest('hex')}`;
}

/**
 * POST /posts/{sqid}/view. The artist's own looks are accepted but never counted; a view needs the
 * dwell time and counts once per viewer per artwork per UTC day; impressions always add one.
 */
export async function reportView(
  ctx: ViewsContext,
  viewer: Viewer,
  client: { ip: string; userAgent: string },
  postId: number | null,
  report: ViewReport,
): Promise<ViewOutcome> {
  const ownerId = postId === null ? null : await repo.findViewableArtworkOwner(ctx.app.db, viewer, postId);
  if (ownerId === null || postId === null) throw errors.notFound('Post');
  if (ownerId === viewer.userId) return { counted: false, reason: 'own_post' };
  const day = utcDay();
  if (report.kind === 'impression') {
    await repo.recordImpression(ctx.app.db, postId, day);
    return { counted: true, reason: null };
  }
  if ((report.dwellMs ?? 0) < MIN_VIEW_DWELL_MS) return { counted: false, reason: 'too_short' };
  const counted = await repo.recordView(ctx.app.db, postId, await viewerKeyOf(ctx, viewer, client, day), day);
  return { counted, reason: counted ? null : 'already_counted' };
}

export interface PostStatsReport {
  days: repo.DailyStats[];
  totals: PostStats;
}

const DAY_MS = 24 * 3600 * 1000;

/** GET /posts/{sqid}/stats: the artist's per-day views, impressions and reactions (docs/product.md §1). */
export async function postStats(ctx: ViewsContext, viewer: Viewer, postId: number | null, days: number): Promise<PostStatsReport> {
  const post = await loadOwnPost(ctx.app.db, viewer, postId);
  const now = new Date();
  const today = utcDay(now);
  const from = utcDay(new Date(now.getTime() - (days - 1) * DAY_MS));
  const [daily, totals] = await Promise.all([repo.dailyStats(ctx.app.db, post.id, from, today), ownerStatsOf(ctx.app.db, post.id, today)]);
  return { days: daily, totals };
}
