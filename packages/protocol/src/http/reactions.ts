import { z } from 'zod';
import { opaqueText } from '../text.ts';

// Reactions under /api/v1 (docs/product.md §1): the emoji reactions of a post.


export const reactionPostParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 32 }).describe('sqid of the post') });

export const reactionSummarySchema = z.object({
  totals: z.array(z.object({ emoji: z.string(), count: z.int().min(1) })).describe('per emoji, most used first'),
  mine: z.array(z.string()).describe("the caller's own reactions (empty for visitors)"),
});
export type ReactionSummary = z.infer<typeof reactionSummarySchema>;

export const reactionParamsSchema = reactionPostParamsSchema.extend({ emoji: opaqueText({ max: 256 }).describe('the reaction, URL-encoded: any 1–20 characters') });
export type ReactionParams = z.infer<typeof reactionParamsSchema>;
