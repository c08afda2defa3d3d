import { z } from 'zod';
import { opaqueText, text } from '../text.ts';

// Feeds under /api/v1 (docs/product.md §1): the paths of the hashtag and artist feeds; pages are lists of post summaries.


export const getFeedsHashtagsTagParamsSchema = z.object({ tag: text({ min: 1, max: 128 }) });
export type GetFeedsHashtagsTagParams = z.infer<typeof getFeedsHashtagsTagParamsSchema>;

export const getUsersSqidPostsParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 64 }) });
export type GetUsersSqidPostsParams = z.infer<typeof getUsersSqidPostsParamsSchema>;
