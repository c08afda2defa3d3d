import { MONITORED_HASHTAGS } from '@makapix/db';
import { z } from 'zod';
import type { ProfileRow } from './repo.ts';

/**
 * The two shapes a member is shown in (HTTP JSON, camelCase, sqid ids — SPEC.md §3). The public
 * profile is what anyone may see; the own profile adds what only the member (and the site) knows.
 */
export const publicProfileSchema = z.object({
  id: z.string().describe('sqid of the member'),
  handle: z.string(),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  role: z.enum(['member', 'moderator', 'owner']),
  createdAt: z.iso.datetime(),
  postCount: z.int().min(0).describe('ready posts on the profile, as the caller may see them'),
});
export type PublicProfile = z.infer<typeof publicProfileSchema>;

export const ownProfileSchema = publicProfileSchema.extend({
  email: z.string(),
  emailVerified: z.boolean(),
  monitoredHashtags: z.array(z.enum(MONITORED_HASHTAGS)).describe('monitored hashtags this member opted in to see (SPEC.md §1)'),
  reputation: z.int(),
  trusted: z.boolean().describe('posts skip the approval queue'),
  emailDigest: z.boolean().describe('receives the daily email digest of unread notifications (SPEC.md §6)'),
});
export type OwnProfile = z.infer<typeof ownProfileSchema>;

type EncodeId = (id: number) => string;

export function toPublicProfile(row: ProfileRow, encodeId: EncodeId, postCount: number): PublicProfile {
  return {
    id: encodeId(row.id),
    handle: row.handle,
    bio: row.bio,
    avatarUrl: row.avatarUrl,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    postCount,
  };
}

const isMonitored = (h: string): h is (typeof MONITORED_HASHTAGS)[number] => (MONITORED_HASHTAGS as readonly string[]).includes(h);

export function toOwnProfile(row: ProfileRow, encodeId: EncodeId, postCount: number): OwnProfile {
  return {
    ...toPublicProfile(row, encodeId, postCount),
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    monitoredHashtags: row.monitoredHashtags.filter(isMonitored),
    reputation: row.reputation,
    trusted: row.trusted,
    emailDigest: row.emailDigest,
  };
}
