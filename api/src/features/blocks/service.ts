import { encodeCursor, type List, type ListQuery, pageOf } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import { findMember } from '../follows/repo.ts';
import { type MemberRef } from '@makapix/protocol';
import { readCursor, timeCursorSchema, toMemberRef } from '../../domain/social.ts';
import { deleteBlock, insertBlock, isBlockedEitherWay, listBlocks } from './repo.ts';

/** docs/product.md §4: comments, reactions and follows between a blocker and the blocked are refused both ways. */
export async function assertNotBlocked(app: FastifyInstance, a: number, b: number): Promise<void> {
  if (a !== b && (await isBlockedEitherWay(app.db, a, b))) {
    throw errors.forbidden('You cannot interact with this member', 'blocked');
  }
}

/** Idempotent; removes follows both ways (docs/product.md §4). */
export async function blockMember(app: FastifyInstance, blockerId: number, targetSqid: string): Promise<void> {
  const targetId = app.publicId.decode(targetSqid);
  if (targetId === blockerId) throw errors.badRequest('cannot_block_self', 'You cannot block yourself');
  const target = targetId === null ? null : await findMember(app.db, targetId);
  if (!target || target.deletedAt) throw errors.notFound('Member');
  await insertBlock(app.db, blockerId, target.id);
}

/** Idempotent: unblocking someone not blocked (or unknown) changes nothing. */
export async function unblockMember(app: FastifyInstance, blockerId: number, targetSqid: string): Promise<void> {
  const targetId = app.publicId.decode(targetSqid);
  if (targetId === null) throw errors.notFound('Member');
  await deleteBlock(app.db, blockerId, targetId);
}

export interface BlockJson {
  member: MemberRef;
  blockedAt: string;
}

export async function listMyBlocks(app: FastifyInstance, blockerId: number, query: ListQuery): Promise<List<BlockJson>> {
  const after = readCursor(query.cursor, timeCursorSchema);
  const rows = await listBlocks(app.db, blockerId, query.limit, after);
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ t: last.cursorTime, id: last.member.id }));
  return {
    items: page.items.map((r) => ({ member: toMemberRef(r.member, app.publicId.encode), blockedAt: r.blockedAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}
