import { z } from 'zod';
import { opaqueText } from '../text.ts';
import { listSchema } from './lists.ts';
import { memberRefSchema } from './users.ts';

// Follows under /api/v1 (docs/product.md §1).

export const followParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 32 }).describe('sqid of the member') });

export const followStateSchema = z.object({ following: z.boolean() });
export type FollowState = z.infer<typeof followStateSchema>;

export const followListSchema = listSchema(z.object({ member: memberRefSchema, followedAt: z.iso.datetime() }));
export type FollowList = z.infer<typeof followListSchema>;
