import { checkViolation, TRIGGER_CONSTRAINTS } from '@makapix/db';
import { codePointLength, EMOJI_MAX_CHARS } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import { assertNotBlocked } from '../blocks/service.ts';
import { notify } from '../notifications/service.ts';
import type { Viewer } from '../../domain/visibility.ts';
import { viewerForUser } from '../../domain/viewer.ts';
import { deleteReaction, findPostOwnerId, findVisiblePost, insertReaction, type PostRef, reactionsOf, reactionTotals } from './repo.ts';

export interface ReactionSummary {
  /** Per emoji, most used first. */
  totals: { emoji: string; count: number }[];
  /** The caller's own reactions, oldest first (empty for visitors). */
  mine: string[];
}

export interface ReactionInput {
  userId: number;
  postId: number;
  emoji: string;
}

/** docs/product.md §4: any string of 1–20 characters, counted in code points as the device plane does. */
function assertEmoji(emoji: string): void {
  const n = codePointLength(emoji);
  if (n < 1 || n > EMOJI_MAX_CHARS) throw errors.badRequest('invalid_emoji', `A reaction is 1–${EMOJI_MAX_CHARS} characters`);
}

/** A post the viewer can open by link (visibility.ts), else 404. */
export async function visiblePost(app: FastifyInstance, viewer: Viewer, postId: number): Promise<PostRef> {
  const post = await findVisiblePost(app.db, viewer, postId);
  if (!post) throw errors.notFound('Post');
  return post;
}

/**
 * A post the member may react to or comment on: 403 `blocked` across a block with its artist
 * (checked first, both ways), 404 when the member cannot see it.
 */
export async function interactablePost(app: FastifyInstance, userId: number, postId: number, viewer?: Viewer): Promise<PostRef> {
  const ownerId = await findPostOwnerId(app.db, postId);
  if (ownerId === null) throw errors.notFound('Post');
  await assertNotBlocked(app, userId, ownerId);
  return visiblePost(app, viewer ?? (await viewerForUser(app.db, userId)), postId);
}

/**
 * Adds a reaction (HTTP and the device plane's `submit_reaction`). Idempotent; ≤5 distinct per
 * member per post (409 `reaction_limit_exceeded`, enforced by the `reactions_per_member_limit`
 * trigger so concurrent requests cannot pass it); 403 `blocked` between reactor and artist.
 */
export async function addReaction(app: FastifyInstance, input: ReactionInput): Promise<void> {
  assertEmoji(input.emoji);
  const post = await interactablePost(app, input.userId, input.postId);
  let added: boolean;
  try {
    added = await insertReaction(app.db, input, post.ownerId);
  } catch (err) {
    if (checkViolation(err, TRIGGER_CONSTRAINTS.reactionLimit)) {
      throw errors.conflict('reaction_limit_exceeded', 'At most 5 different reactions per artwork');
    }
    throw err;
  }
  if (added) {
    await notify(app, { recipientId: post.ownerId, actorId: input.userId, type: 'reaction', postId: post.id, data: { emoji: input.emoji } });
  }
}

/** Removes a reaction; idempotent. Taking back one's own reaction is never refused for a block. */
export async function removeReaction(app: FastifyInstance, input: ReactionInput): Promise<void> {
  assertEmoji(input.emoji);
  const post = await visiblePost(app, await viewerForUser(app.db, input.userId), input.postId);
  await deleteReaction(app.db, input, post.ownerId);
}

export async function reactionSummary(app: FastifyInstance, viewer: Viewer, postId: number): Promise<ReactionSummary> {
  await visiblePost(app, viewer, postId);
  const [totals, mine] = await Promise.all([
    reactionTotals(app.db, postId),
    viewer.userId === null ? Promise.resolve([]) : reactionsOf(app.db, postId, viewer.userId),
  ]);
  return { totals, mine };
}
