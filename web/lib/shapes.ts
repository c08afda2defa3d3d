import { listSchema } from '@makapix/protocol';
import { z } from 'zod';

// TEMPORARY adapter until the contract merge puts the api's HTTP shapes in @makapix/protocol/http:
// the names mirror the api's presenters so the swap is an import change.

export const formatSchema = z.enum(['png', 'gif', 'webp', 'bmp']);
export const ownerRefSchema = z.object({ id: z.string(), handle: z.string() });
export const memberRefSchema = z.object({ id: z.string(), handle: z.string(), avatarUrl: z.string().nullable() });

export const postSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  hashtags: z.array(z.string()),
  state: z.enum(['processing', 'ready', 'failed']),
  owner: ownerRefSchema,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  nativeFormat: formatSchema.nullable(),
  frameCount: z.number().int().nullable(),
  artUrl: z.string().nullable(),
  upscaledUrl: z.string().nullable(),
  createdAt: z.string(),
});
export const postStatsSchema = z.object({ views: z.number(), viewsToday: z.number(), impressions: z.number(), reactions: z.number() });
const flag = z.object({ declared: z.boolean().nullable(), actual: z.boolean().nullable() });
export const postDetailSchema = postSummarySchema.extend({
  kind: z.literal('artwork'),
  description: z.string().nullable(),
  fileBytes: z.number().nullable(),
  minFrameDurationMs: z.number().nullable(),
  maxFrameDurationMs: z.number().nullable(),
  totalDurationMs: z.number().nullable(),
  uniqueColors: z.number().nullable(),
  transparency: flag,
  alpha: flag,
  approved: z.boolean(),
  promoted: z.boolean(),
  metadataModifiedAt: z.string(),
  artworkModifiedAt: z.string().nullable(),
  files: z
    .object({ artUrl: z.string(), upscaledUrl: z.string(), renditions: z.array(z.object({ format: formatSchema, url: z.string() })) })
    .nullable(),
  counts: z.object({ reactions: z.number(), comments: z.number(), views: z.number() }),
  ownerInfo: z
    .object({
      failureReason: z.string().nullable(),
      hiddenByOwner: z.boolean(),
      hiddenByModerator: z.boolean(),
      replacementPending: z.boolean(),
      stats: postStatsSchema,
    })
    .nullable(),
});
export const feedSchema = listSchema(postSummarySchema);

export const publicProfileSchema = z.object({
  id: z.string(),
  handle: z.string(),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  role: z.enum(['member', 'moderator', 'owner']),
  createdAt: z.string(),
  postCount: z.number(),
});
export const MONITORED = ['politics', 'nsfw', 'explicit', '13plus', 'violence'] as const;
export const ownProfileSchema = publicProfileSchema.extend({
  email: z.string(),
  emailVerified: z.boolean(),
  monitoredHashtags: z.array(z.enum(MONITORED)),
  reputation: z.number(),
  trusted: z.boolean(),
  emailDigest: z.boolean(),
});
export const signedInSchema = z.object({ accessToken: z.string(), user: ownProfileSchema });
export const refreshedSchema = z.object({ accessToken: z.string() });

export const reactionSummarySchema = z.object({
  totals: z.array(z.object({ emoji: z.string(), count: z.number() })),
  mine: z.array(z.string()),
});

export const commentSchema = z.object({
  id: z.string(),
  postId: z.string(),
  parentId: z.string().nullable(),
  depth: z.number(),
  state: z.enum(['visible', 'deleted', 'hidden', 'blocked']),
  author: memberRefSchema.nullable(),
  body: z.string().nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
});
const replySchema = commentSchema.extend({ replies: z.array(commentSchema) });
export const threadSchema = commentSchema.extend({ replies: z.array(replySchema) });
export const threadListSchema = listSchema(threadSchema);

export const followListSchema = listSchema(z.object({ member: memberRefSchema, followedAt: z.string() }));
export const followStateSchema = z.object({ following: z.boolean() });
export const blockStateSchema = z.object({ blocked: z.boolean() });
export const blockListSchema = listSchema(z.object({ member: memberRefSchema, blockedAt: z.string() }));

export const notificationSchema = z.object({
  id: z.string(),
  type: z.string(),
  actor: memberRefSchema.nullable(),
  postId: z.string().nullable(),
  commentId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  read: z.boolean(),
  createdAt: z.string(),
});
export const notificationListSchema = listSchema(notificationSchema);
export const unreadCountSchema = z.object({ count: z.number() });

export const artistHitSchema = z.object({ id: z.string(), handle: z.string(), avatarUrl: z.string().nullable() });
export const hashtagHitSchema = z.object({ tag: z.string(), postCount: z.number() });

export const viewOutcomeSchema = z.object({ counted: z.boolean(), reason: z.string().nullable() });
export const postStatsResponseSchema = z.object({
  days: z.array(z.object({ day: z.string(), views: z.number(), impressions: z.number(), reactions: z.number() })),
  totals: postStatsSchema,
});

export const playlistSummarySchema = z.object({
  id: z.string(),
  owner: ownerRefSchema,
  title: z.string(),
  description: z.string().nullable(),
  public: z.boolean(),
  itemCount: z.number(),
  createdAt: z.string(),
  modifiedAt: z.string(),
});
export const playlistListSchema = listSchema(playlistSummarySchema);
export const playlistDetailSchema = playlistSummarySchema.extend({
  items: z.array(z.object({ position: z.number(), dwellTimeMs: z.number(), artwork: postSummarySchema })),
});

export const reportSchema = z.object({ id: z.string(), targetType: z.string(), targetId: z.string(), status: z.string(), createdAt: z.string() });

export type PostSummary = z.infer<typeof postSummarySchema>;
export type PostDetail = z.infer<typeof postDetailSchema>;
export type PublicProfile = z.infer<typeof publicProfileSchema>;
export type OwnProfile = z.infer<typeof ownProfileSchema>;
export type ReactionSummary = z.infer<typeof reactionSummarySchema>;
export type Thread = z.infer<typeof threadSchema>;
export type Comment = z.infer<typeof commentSchema>;
export type Notification = z.infer<typeof notificationSchema>;
export type MemberRef = z.infer<typeof memberRefSchema>;
export type Feed = z.infer<typeof feedSchema>;
