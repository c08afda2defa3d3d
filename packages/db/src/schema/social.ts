import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, index, pgTable, primaryKey, smallint, text, unique } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { posts } from './posts.ts';
import { users } from './users.ts';

// Row-spanning limits enforced by triggers (drizzle/0002_integrity-triggers.sql); they raise
// check_violation (23514) carrying these constraint names.
export const MAX_REACTIONS_PER_MEMBER_POST = 5;
export const MAX_COMMENTS_PER_POST = 1000;
export const TRIGGER_CONSTRAINTS = {
  reactionLimit: 'reactions_per_member_limit',
  commentLimit: 'comments_per_post_limit',
  commentParent: 'comments_parent_consistent',
} as const;

// docs/product.md §4: any emoji string 1–20 chars, ≤5 distinct per member per post; the unique key makes
// add/remove idempotent.
export const reactions = pgTable(
  'reactions',
  {
    id: idColumn(),
    postId: refColumn('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: refColumn('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [
    unique('reactions_user_post_emoji_key').on(t.userId, t.postId, t.emoji),
    // docs/device-protocol.md §5 `reactions` channel: posts a user reacted to, newest reaction first.
    index('reactions_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('reactions_post_emoji_idx').on(t.postId, t.emoji),
    check('reactions_emoji_length', sql`char_length(${t.emoji}) between 1 and 20`),
  ],
);

// docs/product.md §4: threaded to depth 2; a soft delete keeps the row so replies keep their place.
export const comments = pgTable(
  'comments',
  {
    id: idColumn(),
    postId: refColumn('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    authorId: refColumn('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: refColumn('parent_id').references((): AnyPgColumn => comments.id, { onDelete: 'cascade' }),
    depth: smallint('depth').notNull().default(0),
    body: text('body').notNull(),
    createdAt: createdAtColumn(),
    editedAt: tstz('edited_at'),
    deletedAt: tstz('deleted_at'),
    hiddenAt: tstz('hidden_at'),
  },
  (t) => [
    index('comments_post_idx').on(t.postId, t.id),
    index('comments_parent_idx').on(t.parentId),
    index('comments_author_idx').on(t.authorId),
    check('comments_depth_range', sql`${t.depth} between 0 and 2`),
    check('comments_parent_matches_depth', sql`(${t.depth} = 0) = (${t.parentId} is null)`),
    check('comments_body_length', sql`char_length(${t.body}) between 1 and 2000`),
  ],
);

export const follows = pgTable(
  'follows',
  {
    followerId: refColumn('follower_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    followeeId: refColumn('followee_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAtColumn(),
  },
  (t) => [
    primaryKey({ name: 'follows_pkey', columns: [t.followerId, t.followeeId] }),
    index('follows_followee_idx').on(t.followeeId, t.createdAt),
    index('follows_follower_created_idx').on(t.followerId, t.createdAt),
    check('follows_not_self', sql`${t.followerId} <> ${t.followeeId}`),
  ],
);

// docs/product.md §4: content, comments, reactions and follows between the two are refused both ways.
export const blocks = pgTable(
  'blocks',
  {
    blockerId: refColumn('blocker_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    blockedId: refColumn('blocked_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAtColumn(),
  },
  (t) => [
    primaryKey({ name: 'blocks_pkey', columns: [t.blockerId, t.blockedId] }),
    index('blocks_blocked_idx').on(t.blockedId),
    check('blocks_not_self', sql`${t.blockerId} <> ${t.blockedId}`),
  ],
);
