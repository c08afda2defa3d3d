import { z } from 'zod';
import { opaqueText, text } from '../text.ts';
import { codePointLength } from '../requests.ts';

// Reports under /api/v1 (docs/product.md §1): a member reports a post, comment or member.

/** The database's report enums are built from these (@makapix/db enums). */
export const REPORT_TARGET_TYPES = ['post', 'comment', 'user'] as const;
export const REPORT_STATUSES = ['open', 'reviewing', 'resolved', 'dismissed'] as const;
export const MAX_REASON_CHARS = 2000;

export const reportSchema = z.object({
  id: z.string(),
  targetType: z.enum(REPORT_TARGET_TYPES),
  targetId: z.string(),
  status: z.enum(REPORT_STATUSES),
  createdAt: z.iso.datetime(),
});
export type Report = z.infer<typeof reportSchema>;

export const postReportsBodySchema = z.object({
          targetType: z.enum(REPORT_TARGET_TYPES),
          targetId: opaqueText({ min: 1, max: 32 }).describe('sqid of the post, comment or member'),
          reason: text()
            .max(MAX_REASON_CHARS * 4)
            .trim()
            .refine((s) => codePointLength(s) >= 1 && codePointLength(s) <= MAX_REASON_CHARS, { error: `a reason is 1–${MAX_REASON_CHARS} characters` }),
        });
export type PostReportsBody = z.infer<typeof postReportsBodySchema>;
