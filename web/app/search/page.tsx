import type { Metadata } from 'next';
import { SearchResults, type SearchInitial } from '@/components/SearchResults';
import { param, type SearchParams } from '@/lib/search-params';
import { serverApi } from '@/lib/server-api';

type Props = { searchParams: SearchParams };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const q = param((await searchParams).q)?.trim();
  return { title: q ? `Search: ${q}` : 'Search', robots: { index: false } };
}

/** Server-rendered results for ?q= (readable without JavaScript); the client updates them as you type. */
export default async function SearchPage({ searchParams }: Props) {
  const q = (param((await searchParams).q) ?? '').trim().slice(0, 100);
  let initial: SearchInitial | null = null;
  if (q) {
    const [artworks, artists, hashtags] = await Promise.all([
      serverApi.searchArtworks(q, { limit: 60 }),
      serverApi.searchArtists(q, { limit: 20 }),
      serverApi.searchHashtags(q, { limit: 20 }),
    ]);
    initial = { q, artworks, artists: artists.items, hashtags: hashtags.items };
  }
  return (
    <main id="main">
      <h1 className="page-title pixel">Search</h1>
      <SearchResults initialQuery={q} initial={initial} />
    </main>
  );
}
