import { z } from 'zod';
import { playsetNameSchema } from '../playsets.ts';

// Playsets under /api/v1 (SPEC.md §5): saved criteria by name; the body shapes are in ../playsets.ts.


export const playsetNameParamsSchema = z.object({ name: playsetNameSchema });

export const postPlayersIdPlaysetsNameExecuteParamsSchema = z.object({ id: z.string().describe('The player key'), name: playsetNameSchema });
export type PostPlayersIdPlaysetsNameExecuteParams = z.infer<typeof postPlayersIdPlaysetsNameExecuteParamsSchema>;
