import type { Metadata } from 'next';
import Link from 'next/link';
import { MemberList } from '@/components/MemberList';
import { ProfileHeader } from '@/components/ProfileHeader';
import { loadProfile } from '@/lib/profile';
import { param, type SearchParams } from '@/lib/search-params';
import { serverApi } from '@/lib/server-api';

type Props = { params: Promise<{ handle: string }>; searchParams: SearchParams };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const profile = await loadProfile((await params).handle);
  return { title: `Followers of @${profile.handle}` };
}

export default async function FollowersPage({ params, searchParams }: Props) {
  const profile = await loadProfile((await params).handle);
  const cursor = param((await searchParams).cursor);
  const page = await serverApi.followers(profile.id, { cursor, limit: 100 });
  return (
    <main id="main">
      <ProfileHeader profile={profile} tab="followers" />
      <h2>Followers</h2>
      <MemberList members={page.items.map((f) => f.member)} empty="No followers yet." />
      {page.nextCursor ? <p><Link className="btn" href={`?cursor=${encodeURIComponent(page.nextCursor)}`}>More</Link></p> : null}
    </main>
  );
}
