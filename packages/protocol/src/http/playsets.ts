import { z } from 'zod';
import { opaqueText } from '../text.ts';
import { EXPOSURE_MODES, NAMED_CHANNELS, PICK_MODES, playsetNameSchema } from '../playsets.ts';

// Playsets under /api/v1 (docs/product.md §5): saved criteria by name; the body shapes are in ../playsets.ts.


export const playsetNameParamsSchema = z.object({ name: playsetNameSchema });

export const postPlayersIdPlaysetsNameExecuteParamsSchema = z.object({ id: opaqueText().describe('The player key'), name: playsetNameSchema });
export type PostPlayersIdPlaysetsNameExecuteParams = z.infer<typeof postPlayersIdPlaysetsNameExecuteParamsSchema>;

/** A saved playset as the owner reads it back. */
export const playsetOutSchema = z.object({
  name: z.string(),
  channels: z.array(
    z.object({
      type: z.enum(['named', 'user', 'hashtag', 'reactions']),
      name: z.enum(NAMED_CHANNELS).optional(),
      identifier: z.string().optional(),
      displayName: z.string().optional(),
      weight: z.number().int().optional(),
    }),
  ),
  exposureMode: z.enum(EXPOSURE_MODES),
  pickMode: z.enum(PICK_MODES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PlaysetOut = z.infer<typeof playsetOutSchema>;
