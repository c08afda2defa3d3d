import Link from 'next/link';
import { MemberList } from '@/components/MemberList';
import { ProfileHeader } from '@/components/ProfileHeader';
import { loadProfile } from '@/lib/profile';
import { param, type SearchParams } from '@/lib/search-params';
import { serverApi } from '@/lib/server-api';

export type FollowListKind = 'followers' | 'following';
export type FollowListProps = { params: Promise<{ handle: string }>; searchParams: SearchParams };

const WORDS: Record<FollowListKind, { heading: string; title: string; empty: string }> = {
  followers: { heading: 'Followers', title: 'Followers of', empty: 'No followers yet.' },
  following: { heading: 'Following', title: 'Following of', empty: 'Follows nobody yet.' },
};

/** `<title>` of a profile's followers or following page. */
export async function followListTitle(kind: FollowListKind, params: FollowListProps['params']): Promise<string> {
  const profile = await loadProfile((await params).handle);
  return `${WORDS[kind].title} @${profile.handle}`;
}

/**
 * A profile's followers or following, rendered on the server (readable without JavaScript), 100 a
 * page with a plain "More" link for the next keyset page.
 */
export async function FollowListPage({ kind, params, searchParams }: FollowListProps & { kind: FollowListKind }) {
  const profile = await loadProfile((await params).handle);
  const cursor = param((await searchParams).cursor);
  const query = { cursor, limit: 100 };
  const page = kind === 'followers' ? await serverApi.followers(profile.id, query) : await serverApi.followingOf(profile.id, query);
  return (
    <main id="main">
      <ProfileHeader profile={profile} tab={kind} />
      <h2>{WORDS[kind].heading}</h2>
      <MemberList members={page.items.map((f) => f.member)} empty={WORDS[kind].empty} />
      {page.nextCursor ? <p><Link className="btn" href={`?cursor=${encodeURIComponent(page.nextCursor)}`}>More</Link></p> : null}
    </main>
  );
}
