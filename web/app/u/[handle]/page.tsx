import type { Metadata } from 'next';
import { ArtGrid } from '@/components/ArtGrid';
import { ProfileHeader } from '@/components/ProfileHeader';
import { excerpt } from '@/lib/format';
import { loadProfile } from '@/lib/profile';
import { param, type SearchParams } from '@/lib/search-params';
import { serverApi } from '@/lib/server-api';

type Props = { params: Promise<{ handle: string }>; searchParams: SearchParams };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const profile = await loadProfile((await params).handle);
  const description = excerpt(profile.bio, `Pixel art by @${profile.handle} on Makapix Club.`);
  return {
    title: `@${profile.handle}`,
    description,
    alternates: { canonical: `/u/${encodeURIComponent(profile.handle)}` },
    openGraph: { type: 'profile', title: `@${profile.handle}`, description, images: profile.avatarUrl ? [profile.avatarUrl] : undefined },
  };
}

export default async function ProfilePage({ params, searchParams }: Props) {
  const profile = await loadProfile((await params).handle);
  const cursor = param((await searchParams).cursor);
  const feed = await serverApi.userPosts(profile.id, { cursor, limit: 60 });
  return (
    <main id="main">
      <ProfileHeader profile={profile} tab="artworks" />
      <h2 className="visually-hidden">Artworks</h2>
      <ArtGrid source={{ kind: 'user', userId: profile.id }} initial={feed} moreHref={`/u/${encodeURIComponent(profile.handle)}`} empty={`@${profile.handle} has no artworks yet.`} />
    </main>
  );
}
