import { encodeCursor, type List, type ListQuery, pageOf } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import { assertNotBlocked } from '../blocks/service.ts';
import { notify } from '../notifications/service.ts';
import { deleteFollow, findMember, insertFollow, listFollows, type MemberState } from './repo.ts';
import { type MemberRef } from '@makapix/protocol';
import { readCursor, timeCursorSchema, toMemberRef } from '../../domain/social.ts';

const isActive = (m: MemberState | null): m is MemberState => m !== null && !m.deletedAt && !m.deactivatedAt && !m.hiddenAt;

async function activeMember(app: FastifyInstance, sqid: string): Promise<MemberState> {
  const id = app.publicId.decode(sqid);
  const member = id === null ? null : await findMember(app.db, id);
  if (!isActive(member)) throw errors.notFound('Member');
  return member;
}

/** docs/product.md §4 follows: idempotent; the followee is notified once, when the follow is new. */
export async function followMember(app: FastifyInstance, followerId: number, sqid: string): Promise<void> {
  if (app.publicId.decode(sqid) === followerId) throw errors.badRequest('cannot_follow_self', 'You cannot follow yourself');
  const followee = await activeMember(app, sqid);
  await assertNotBlocked(app, followerId, followee.id);
  if (await insertFollow(app.db, followerId, followee.id)) {
    await notify(app, { recipientId: followee.id, actorId: followerId, type: 'follow' });
  }
}

/** Idempotent, and allowed whatever the state of the other member. */
export async function unfollowMember(app: FastifyInstance, followerId: number, sqid: string): Promise<void> {
  const id = app.publicId.decode(sqid);
  if (id === null) throw errors.notFound('Member');
  await deleteFollow(app.db, followerId, id);
}

export interface FollowJson {
  member: MemberRef;
  followedAt: string;
}

export async function listFollowGraph(
  app: FastifyInstance,
  direction: 'followers' | 'following',
  sqid: string,
  query: ListQuery,
): Promise<List<FollowJson>> {
  const member = await activeMember(app, sqid);
  const after = readCursor(query.cursor, timeCursorSchema);
  const rows = await listFollows(app.db, direction, member.id, query.limit, after);
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ t: last.cursorTime, id: last.member.id }));
  return {
    items: page.items.map((r) => ({ member: toMemberRef(r.member, app.publicId.encode), followedAt: r.followedAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}
