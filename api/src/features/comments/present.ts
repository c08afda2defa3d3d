import { z } from 'zod';
import { memberRefSchema, toMemberRef } from '../follows/social-shapes.ts';
import type { Viewer } from '../../domain/visibility.ts';
import type { CommentRow } from './repo.ts';

/**
 * How a comment shows to this viewer. `deleted` (by its author), `hidden` (by a moderator; its
 * author and moderators still read it) and `blocked` (the viewer blocked the author) keep their
 * place in the thread with body and author withheld, so replies stay where they were (SPEC.md §4).
 */
export const commentStateSchema = z.enum(['visible', 'deleted', 'hidden', 'blocked']);
type CommentState = z.infer<typeof commentStateSchema>;

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
export type CommentJson = z.infer<typeof commentSchema>;

// Threads are three explicit levels (depth 0–2) rather than a recursive schema, which OpenAPI
// renders poorly.
const replySchema = commentSchema.extend({ replies: z.array(commentSchema) });
export const threadSchema = commentSchema.extend({ replies: z.array(replySchema) });
export type ThreadJson = z.infer<typeof threadSchema>;

function stateOf(row: CommentRow, viewer: Viewer): { state: CommentState; readable: boolean } {
  if (row.deletedAt) return { state: 'deleted', readable: false };
  if (row.hiddenAt) return { state: 'hidden', readable: viewer.isModerator || viewer.userId === row.author.id };
  if (row.authorBlocked) return { state: 'blocked', readable: false };
  return { state: 'visible', readable: true };
}

export function toCommentJson(row: CommentRow, viewer: Viewer, encode: (id: number) => string): CommentJson {
  const { state, readable } = stateOf(row, viewer);
  return {
    id: encode(row.id),
    postId: encode(row.postId),
    parentId: row.parentId === null ? null : encode(row.parentId),
    depth: row.depth,
    state,
    author: readable ? toMemberRef(row.author, encode) : null,
    body: readable ? row.body : null,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
  };
}

/**
 * Assembles roots with their replies. A withheld comment (body null) stays only as a placeholder
 * for replies that are still shown; a withheld leaf carries nothing and is left out.
 */
export function buildThreads(roots: CommentRow[], replies: CommentRow[], viewer: Viewer, encode: (id: number) => string): ThreadJson[] {
  const byParent = new Map<number, CommentRow[]>();
  for (const r of replies) {
    if (r.parentId === null) continue;
    const list = byParent.get(r.parentId) ?? [];
    list.push(r);
    byParent.set(r.parentId, list);
  }
  const childrenOf = (id: number) => byParent.get(id) ?? [];
  const json = (row: CommentRow) => toCommentJson(row, viewer, encode);
  const shown = (c: CommentJson & { replies?: unknown[] }) => c.body !== null || (c.replies?.length ?? 0) > 0;
  const level2 = (parent: CommentRow) => childrenOf(parent.id).map(json).filter(shown);
  const level1 = (root: CommentRow) => childrenOf(root.id).map((r) => ({ ...json(r), replies: level2(r) })).filter(shown);
  return roots.map((root) => ({ ...json(root), replies: level1(root) })).filter(shown);
}
