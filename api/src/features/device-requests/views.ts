import { type HttpViewEvent, type ViewAck, viewEventSchema } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.ts';
import { type DeviceContext, loadDeviceContext } from './device-context.ts';
import { findViewablePostOwner, storeViewEvent } from './views-repo.ts';

/**
 * docs/device-protocol.md §7 views, for MQTT (`…/view`) and HTTPS (`POST /api/player/events/view`). The pipeline
 * runs in the spec's order: validate → key match → player/owner eligible → duplicate → rate limit →
 * post exists → own work (accepted, not counted) → count.
 */
export type ViewOutcome =
  /** Stored; counted as an Artwork View or impression, unless it was the owner's own work or already counted today. */
  | { result: 'accepted'; counted: boolean }
  | { result: 'deduplicated' }
  | { result: 'rejected'; code: 'invalid_request' | 'player_key_mismatch' | 'authentication_failed' | 'rate_limited' | 'not_found'; message: string };

/** Same player + post + device timestamp within this window is one view (§7 duplicate step). */
export const VIEW_DUPLICATE_WINDOW_SECONDS = 60;

const reject = (code: Extract<ViewOutcome, { result: 'rejected' }>['code'], message: string): ViewOutcome => ({ result: 'rejected', code, message });

/**
 * Steps from "registered/owned/owner eligible" on; `playerKey` is the authenticated player. `known`
 * is its device context when the caller already read it (the inbox does).
 */
export async function recordView(app: FastifyInstance, playerKey: string, view: HttpViewEvent, known?: DeviceContext | null): Promise<ViewOutcome> {
  const ctx = known !== undefined ? known : await loadDeviceContext(app, playerKey);
  if (!ctx) return reject('authentication_failed', 'player is not registered or its owner is not active');

  const deviceTimestamp = new Date(view.timestamp);
  const seenKey = `makapix:device-view:${ctx.playerId}:${view.post_id}:${deviceTimestamp.getTime()}`;
  const first = await app.redis.set(seenKey, '1', 'EX', VIEW_DUPLICATE_WINDOW_SECONDS, 'NX');
  if (first !== 'OK') return { result: 'deduplicated' };
  try {
    return await countView(app, ctx, view, deviceTimestamp);
  } catch (err) {
    // Nothing was stored: forget the event so the redelivered message is not taken for a duplicate.
    await app.redis.del(seenKey);
    throw err;
  }
}

async function countView(
  app: FastifyInstance,
  ctx: DeviceContext,
  view: HttpViewEvent,
  deviceTimestamp: Date,
): Promise<ViewOutcome> {
  try {
    await app.consumeRateLimit('deviceView', String(ctx.playerId));
  } catch (err) {
    if (isAppError(err) && err.code === 'rate_limited') return reject('rate_limited', 'at most one view per 5 seconds');
    throw err;
  }

  // Issue 11 §5: a post the owner may not see (hidden, deleted, blocked, monitored tag…) is unknown here too.
  const post = await findViewablePostOwner(app.db, view.post_id, ctx.viewer);
  if (!post) return reject('not_found', 'no such post');

  // docs/product.md §4: never the author's own; device views count for the player's owner.
  const ownWork = post.ownerId === ctx.owner.id;
  const count = ownWork ? null : view.intent === 'artwork' ? ({ kind: 'artwork', viewerKey: `u:${ctx.owner.id}` } as const) : ({ kind: 'impression' } as const);
  const stored = await storeViewEvent(
    app.db,
    {
      playerId: ctx.playerId,
      postId: view.post_id,
      deviceTimestamp,
      timezone: view.timezone ?? null,
      intent: view.intent,
      playOrder: view.play_order ?? null,
      channel: view.channel ?? null,
      channelUserSqid: view.channel_user_sqid ?? null,
      channelHashtag: view.channel_hashtag ?? null,
    },
    count,
  );
  if (!stored.stored) return { result: 'deduplicated' };
  return { result: 'accepted', counted: stored.counted };
}

function wantsAck(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { request_ack?: unknown }).request_ack === true;
}

/**
 * An MQTT `…/view` payload from the player named by the topic. Returns the `…/view/ack` body, or
 * null when the device did not ask for one (or when nothing can be read from the payload).
 */
export async function recordMqttView(app: FastifyInstance, topicKey: string, payload: string, known?: DeviceContext | null): Promise<ViewAck | null> {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const ack = wantsAck(json);
  const parsed = viewEventSchema.safeParse(json);
  let outcome: ViewOutcome;
  if (!parsed.success) outcome = reject('invalid_request', 'the view event is invalid');
  else if (parsed.data.player_key !== topicKey) outcome = reject('player_key_mismatch', 'player_key does not match the topic');
  else outcome = await recordView(app, topicKey, parsed.data, known);

  if (outcome.result === 'rejected') {
    app.log.debug({ playerKey: topicKey, code: outcome.code }, 'device view rejected');
    return ack ? { success: false, error: outcome.message, error_code: outcome.code } : null;
  }
  if (!ack) return null;
  return outcome.result === 'deduplicated' ? { success: true, deduplicated: true } : { success: true };
}
