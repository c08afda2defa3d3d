import type { Metadata } from 'next';
import { FeedPage } from '@/components/FeedPage';
import { param, type SearchParams } from '@/lib/search-params';
import { serverApi } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Promoted', description: 'Pixel art picked by the Makapix Club moderators.' };

export default async function PromotedPage({ searchParams }: { searchParams: SearchParams }) {
  const cursor = param((await searchParams).cursor);
  const feed = await serverApi.promoted({ cursor, limit: 60 });
  return <FeedPage title="Promoted" nav="promoted" source={{ kind: 'promoted' }} feed={feed} moreHref="/promoted" empty="Nothing promoted yet — the moderators pick artworks here." />;
}
