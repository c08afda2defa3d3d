import Link from 'next/link';
import { FeedPage } from '@/components/FeedPage';
import { param, type SearchParams } from '@/lib/search-params';
import { serverApi } from '@/lib/server-api';

export default async function RecentPage({ searchParams }: { searchParams: SearchParams }) {
  const cursor = param((await searchParams).cursor);
  const feed = await serverApi.recent({ cursor, limit: 60 });
  return (
    <FeedPage
      title="Recent artworks"
      nav="recent"
      source={{ kind: 'recent' }}
      feed={feed}
      moreHref="/"
      empty={<>No artworks yet — <Link href="/upload">upload your first</Link>.</>}
    />
  );
}
