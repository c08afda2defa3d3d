import { toMemberRef } from '../../domain/social.ts';
import type { Viewer } from '../../domain/visibility.ts';
import type { CommentRow } from './repo.ts';
import type { Comment, CommentState, Thread } from '@makapix/protocol';

export type CommentJson = Comment;

// Threads are three explicit levels (depth 0–2) rather than a recursive schema, which OpenAPI
// renders poorly.
export type ThreadJson = Thread;

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
