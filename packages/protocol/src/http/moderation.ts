import { z } from 'zod';
import { opaqueText, text } from '../text.ts';
import { listQuerySchema } from './lists.ts';
import { postStateSchema, postSummarySchema } from './posts.ts';
import { userRoleSchema } from './users.ts';

// Moderation under /api/v1/mod (docs/product.md §1, §3: camelCase, every integer key as a sqid, ISO
// timestamps): the queue, members, posts, comments, reports and the audit log.

export const modUserRefSchema = z.object({ id: z.string(), handle: z.string() });
export type ModUserRef = z.infer<typeof modUserRefSchema>;

export const modPostSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  state: postStateSchema,
  approvedAt: z.string().nullable(),
  promotedAt: z.string().nullable(),
  hiddenByModAt: z.string().nullable(),
});
export type ModPost = z.infer<typeof modPostSchema>;

export const modCommentSchema = z.object({ id: z.string(), postId: z.string(), authorId: z.string(), hiddenAt: z.string().nullable() });
export type ModComment = z.infer<typeof modCommentSchema>;

export const modMemberSchema = z.object({
  id: z.string(),
  handle: z.string(),
  role: userRoleSchema,
  trusted: z.boolean(),
  hiddenAt: z.string().nullable(),
  /** Null when never banned or unbanned; a past instant once a temporary ban has run out. */
  bannedUntil: z.string().nullable(),
  banned: z.boolean(),
  permanentBan: z.boolean(),
  banReason: z.string().nullable(),
});
export type ModMember = z.infer<typeof modMemberSchema>;

export const queuePostSchema = postSummarySchema.extend({ ownerTrusted: z.boolean(), hiddenByModerator: z.boolean() });
export type QueuePost = z.infer<typeof queuePostSchema>;

export const reportStatusSchema = z.enum(['open', 'reviewing', 'resolved', 'dismissed']);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

export const modReportSchema = z.object({
  id: z.string(),
  reporter: modUserRefSchema,
  targetType: z.enum(['post', 'comment', 'user']),
  targetId: z.string(),
  reason: z.string(),
  status: reportStatusSchema,
  notes: z.string().nullable(),
  resolvedBy: modUserRefSchema.nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ModReport = z.infer<typeof modReportSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  actor: modUserRefSchema.nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const reasonBodySchema = z
  .object({ reason: text({ trim: true, min: 1, max: 1000 }).optional() })
  .strict()
  .nullish();

export const modUserParamsSchema = z.object({ userId: opaqueText({ min: 1, max: 32 }) });

export const banBodySchema = z
  .object({
    until: z.iso.datetime({ offset: true }).nullable().optional().describe('End of the ban; null or absent for a permanent ban'),
    reason: text({ trim: true, min: 1, max: 1000 }),
  })
  .strict();
export const patchModReportsReportidParamsSchema = z.object({ reportId: opaqueText({ min: 1, max: 32 }) });
export type PatchModReportsReportidParams = z.infer<typeof patchModReportsReportidParamsSchema>;

export const patchModReportsReportidBodySchema = z.object({ status: reportStatusSchema, notes: text({ trim: true, max: 5000 }).nullable().optional() }).strict();
export type PatchModReportsReportidBody = z.infer<typeof patchModReportsReportidBodySchema>;

export const auditQuerySchema = listQuerySchema.extend({
  actor: opaqueText({ min: 1, max: 32 }).optional().describe('sqid of the acting moderator'),
  action: opaqueText({ min: 1, max: 64 }).optional().describe('e.g. `user.ban`'),
  targetType: opaqueText({ min: 1, max: 32 }).optional(),
  targetId: opaqueText({ min: 1, max: 64 }).optional().describe('sqid (post, comment, user, report) or player key; needs targetType'),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const modPostParamsSchema = z.object({ postId: opaqueText({ min: 1, max: 32 }) });
export const modCommentParamsSchema = z.object({ commentId: opaqueText({ min: 1, max: 32 }) });

/** `GET /mod/reports`: the reports queue, optionally of one status. */
export const modReportsQuerySchema = listQuerySchema.extend({ status: reportStatusSchema.optional() });
export type ModReportsQuery = z.infer<typeof modReportsQuerySchema>;
