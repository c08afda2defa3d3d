import { z } from 'zod';

// Blocks under /api/v1 (SPEC.md §1).


export const blockParamsSchema = z.object({ sqid: z.string().min(1).max(32).describe('sqid of the member') });

export const blockStateSchema = z.object({ blocked: z.boolean() });
export type BlockState = z.infer<typeof blockStateSchema>;
