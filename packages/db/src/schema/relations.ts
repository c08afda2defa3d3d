import { relations } from 'drizzle-orm';
import { auditLog } from './audit.ts';
import { notifications } from './notifications.ts';
import { playerCommands, players, playerTokens } from './players.ts';
import { playlistItems, playsets } from './playlists.ts';
import { posts } from './posts.ts';
import { blocks, comments, follows, reactions } from './social.ts';
import { users } from './users.ts';

// Relations power drizzle's relational query API (`db.query.posts.findMany({ with: { owner: true } })`);
// they add no SQL constraints.

export const usersRelations = relations(users, ({ many }) => ({
  posts: many(posts),
  players: many(players),
  playsets: many(playsets),
}));

export const postsRelations = relations(posts, ({ one, many }) => ({
  owner: one(users, { fields: [posts.ownerId], references: [users.id] }),
  reactions: many(reactions),
  comments: many(comments),
  playlistItems: many(playlistItems, { relationName: 'playlist' }),
}));

export const playlistItemsRelations = relations(playlistItems, ({ one }) => ({
  playlist: one(posts, { fields: [playlistItems.playlistId], references: [posts.id], relationName: 'playlist' }),
  artwork: one(posts, { fields: [playlistItems.artworkId], references: [posts.id] }),
}));

export const playsetsRelations = relations(playsets, ({ one }) => ({
  owner: one(users, { fields: [playsets.ownerId], references: [users.id] }),
}));

export const reactionsRelations = relations(reactions, ({ one }) => ({
  post: one(posts, { fields: [reactions.postId], references: [posts.id] }),
  user: one(users, { fields: [reactions.userId], references: [users.id] }),
}));

export const commentsRelations = relations(comments, ({ one }) => ({
  post: one(posts, { fields: [comments.postId], references: [posts.id] }),
  author: one(users, { fields: [comments.authorId], references: [users.id] }),
  parent: one(comments, { fields: [comments.parentId], references: [comments.id] }),
}));

export const followsRelations = relations(follows, ({ one }) => ({
  follower: one(users, { fields: [follows.followerId], references: [users.id], relationName: 'follower' }),
  followee: one(users, { fields: [follows.followeeId], references: [users.id], relationName: 'followee' }),
}));

export const blocksRelations = relations(blocks, ({ one }) => ({
  blocker: one(users, { fields: [blocks.blockerId], references: [users.id], relationName: 'blocker' }),
  blocked: one(users, { fields: [blocks.blockedId], references: [users.id], relationName: 'blocked' }),
}));

export const notificationsRelations = relations(notifications, ({ one }) => ({
  recipient: one(users, { fields: [notifications.recipientId], references: [users.id], relationName: 'recipient' }),
  actor: one(users, { fields: [notifications.actorId], references: [users.id], relationName: 'actor' }),
  post: one(posts, { fields: [notifications.postId], references: [posts.id] }),
  comment: one(comments, { fields: [notifications.commentId], references: [comments.id] }),
}));

export const playersRelations = relations(players, ({ one, many }) => ({
  owner: one(users, { fields: [players.ownerId], references: [users.id] }),
  currentPost: one(posts, { fields: [players.currentPostId], references: [posts.id] }),
  tokens: many(playerTokens),
  commands: many(playerCommands),
}));

export const playerTokensRelations = relations(playerTokens, ({ one }) => ({
  player: one(players, { fields: [playerTokens.playerId], references: [players.id] }),
}));

export const playerCommandsRelations = relations(playerCommands, ({ one }) => ({
  player: one(players, { fields: [playerCommands.playerId], references: [players.id] }),
}));

export const auditLogRelations = relations(auditLog, ({ one }) => ({
  actor: one(users, { fields: [auditLog.actorId], references: [users.id] }),
}));
