import { MONITORED_HASHTAGS, type OwnProfile, type PublicProfile } from '@makapix/protocol';
import type { ProfileRow } from './repo.ts';

// Rows → the member shapes of @makapix/protocol (http/users.ts).

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
