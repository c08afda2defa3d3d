import { z } from 'zod';
import { opaqueText } from '../text.ts';
import { listSchema } from './lists.ts';
import { memberRefSchema } from './users.ts';

// Blocks under /api/v1 (docs/product.md §1).


export const blockParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 32 }).describe('sqid of the member') });

export const blockStateSchema = z.object({ blocked: z.boolean() });
export type BlockState = z.infer<typeof blockStateSchema>;

/** `GET /me/blocks`: the members I blocked, newest first. */
export const blockListSchema = listSchema(z.object({ member: memberRefSchema, blockedAt: z.iso.datetime() }));
export type BlockList = z.infer<typeof blockListSchema>;
