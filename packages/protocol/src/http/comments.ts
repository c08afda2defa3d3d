import { z } from 'zod';
import { opaqueText, text } from '../text.ts';
import { memberRefSchema } from './users.ts';
import { codePointLength } from '../requests.ts';

// Comments under /api/v1 (docs/product.md §1, §3): writing, editing, and the thread shapes.

export const MAX_COMMENT_CHARS = 2000;

export const commentTextSchema = text()
  .max(MAX_COMMENT_CHARS * 4)
  .trim()
  .refine((s) => codePointLength(s) >= 1 && codePointLength(s) <= MAX_COMMENT_CHARS, { error: `a comment is 1–${MAX_COMMENT_CHARS} characters` });

export const commentPostParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 32 }).describe('sqid of the post') });

export const commentParamsSchema = z.object({ id: opaqueText({ min: 1, max: 32 }).describe('id of the comment') });

export const postPostsSqidCommentsBodySchema = z.object({ body: commentTextSchema, parentId: opaqueText({ min: 1, max: 32 }).optional().describe('id of the comment replied to') });
export type PostPostsSqidCommentsBody = z.infer<typeof postPostsSqidCommentsBodySchema>;

export const patchCommentsIdBodySchema = z.object({ body: commentTextSchema });
export type PatchCommentsIdBody = z.infer<typeof patchCommentsIdBodySchema>;

/**
 * How a comment shows to this viewer. `deleted` (by its author), `hidden` (by a moderator; its
 * author and moderators still read it) and `blocked` (the viewer blocked the author) keep their
 * place in the thread with body and author withheld, so replies stay where they were (docs/product.md §4).
 */
export const commentStateSchema = z.enum(['visible', 'deleted', 'hidden', 'blocked']);
export type CommentState = z.infer<typeof commentStateSchema>;

export const commentSchema = z.object({
  id: z.string(),
  postId: z.string(),
  parentId: z.string().nullable(),
  depth: z.int().min(0).max(2),
  state: commentStateSchema,
  author: memberRefSchema.nullable(),
  body: z.string().nullable(),
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
});
export type Comment = z.infer<typeof commentSchema>;

export const replySchema = commentSchema.extend({ replies: z.array(commentSchema) });
export type Reply = z.infer<typeof replySchema>;

export const threadSchema = commentSchema.extend({ replies: z.array(replySchema) });
export type Thread = z.infer<typeof threadSchema>;
