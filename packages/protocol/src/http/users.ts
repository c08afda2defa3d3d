import { z } from 'zod';
import { opaqueText, text } from '../text.ts';
import { handleSchema } from './handles.ts';

// Members under /api/v1 (docs/product.md §1, §3: camelCase, sqid ids): profiles, the own-profile edit, the
// role grant, and the member reference every social list entry carries.

/** The monitored hashtags a member may opt in to see (docs/product.md §1); the database stores the same list. */
export const MONITORED_HASHTAGS = ['politics', 'nsfw', 'explicit', '13plus', 'violence'] as const;
export type MonitoredHashtag = (typeof MONITORED_HASHTAGS)[number];

export const USER_ROLES = ['member', 'moderator', 'owner'] as const;
export const userRoleSchema = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof userRoleSchema>;

/** Path of a member route. */
export const userSqidParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 64 }).describe('public id of the member') });
export const userHandleParamsSchema = z.object({ handle: opaqueText({ min: 1, max: 128 }) });

/**
 * The two shapes a member is shown in (HTTP JSON, camelCase, sqid ids — docs/product.md §3). The public
 * profile is what anyone may see; the own profile adds what only the member (and the site) knows.
 */
export const publicProfileSchema = z.object({
  id: z.string().describe('sqid of the member'),
  handle: z.string(),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  role: userRoleSchema,
  createdAt: z.iso.datetime(),
  postCount: z.int().min(0).describe('ready posts on the profile, as the caller may see them'),
});
export type PublicProfile = z.infer<typeof publicProfileSchema>;

export const ownProfileSchema = publicProfileSchema.extend({
  email: z.string(),
  emailVerified: z.boolean(),
  monitoredHashtags: z.array(z.enum(MONITORED_HASHTAGS)).describe('monitored hashtags this member opted in to see (docs/product.md §1)'),
  reputation: z.int(),
  trusted: z.boolean().describe('posts skip the approval queue'),
  emailDigest: z.boolean().describe('receives the daily email digest of unread notifications (docs/product.md §6)'),
});
export type OwnProfile = z.infer<typeof ownProfileSchema>;

export const BIO_MAX = 1000;

/** `PATCH /me`. `.strict()`: a field the caller may not set (role, email, id, …) is a 400, never silently ignored. */
export const profilePatchSchema = z
  .object({
    handle: handleSchema.optional(),
    bio: text().max(BIO_MAX, `A bio has at most ${BIO_MAX} characters`).nullable().optional(),
    avatarUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
    monitoredHashtags: z.array(z.enum(MONITORED_HASHTAGS)).max(MONITORED_HASHTAGS.length * 2).optional().describe('monitored hashtags to opt in to (docs/product.md §1)'),
    emailDigest: z.boolean().optional().describe('receive the daily email digest of unread notifications (docs/product.md §6)'),
  })
  .strict();
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

/** `PUT /me/avatar`: one of my ready artworks becomes my avatar (its upscaled rendition), or none. */
export const putMeAvatarBodySchema = z.object({ postId: opaqueText({ min: 1, max: 32 }).nullable().describe('sqid of my artwork') }).strict();
export type PutMeAvatarBody = z.infer<typeof putMeAvatarBodySchema>;

/** `POST /admin/users/{sqid}/role` (site owner only). */
export const roleChangeSchema = z.object({ role: z.enum(['member', 'moderator']) }).strict();
export type RoleChange = z.infer<typeof roleChangeSchema>;

/** The "who" of a social list entry (follows, blocks, comments, notifications, reports, playlists). */
export const memberRefSchema = z.object({ id: z.string().describe('sqid of the member'), handle: z.string(), avatarUrl: z.string().nullable() });
export type MemberRef = z.infer<typeof memberRefSchema>;
