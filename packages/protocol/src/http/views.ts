import { z } from 'zod';
import { opaqueText } from '../text.ts';
import { postStatsSchema } from './posts.ts';

// Views under /api/v1 (docs/product.md §1): recording a web view or impression, and an artist's post stats.


export const viewPostParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 64 }) });
export type ViewPostParams = z.infer<typeof viewPostParamsSchema>;

export const viewBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('view'), dwellMs: z.int().min(0).max(24 * 3600 * 1000).optional() }),
  z.object({ kind: z.literal('impression') }),
]);
export type ViewBody = z.infer<typeof viewBodySchema>;

export const viewOutcomeSchema = z.object({
  counted: z.boolean(),
  reason: z.enum(['own_post', 'too_short', 'already_counted']).nullable(),
});
export type ViewOutcome = z.infer<typeof viewOutcomeSchema>;

export const statsResponseSchema = z.object({
  days: z.array(z.object({ day: z.string(), views: z.number().int(), impressions: z.number().int(), reactions: z.number().int() })),
  totals: postStatsSchema,
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;

export const getPostsSqidStatsQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });
export type GetPostsSqidStatsQuery = z.infer<typeof getPostsSqidStatsQuerySchema>;
