import type { Metadata } from 'next';
import { FeedPage } from '@/components/FeedPage';
import { param, type SearchParams } from '@/lib/search-params';
import { serverApi } from '@/lib/server-api';

type Props = { params: Promise<{ tag: string }>; searchParams: SearchParams };
const normalize = (tag: string) => decodeURIComponent(tag).replace(/^#/, '').toLowerCase();

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const tag = normalize((await params).tag);
  return { title: `#${tag}`, description: `Pixel art tagged #${tag} on Makapix Club.`, alternates: { canonical: `/t/${encodeURIComponent(tag)}` } };
}

export default async function HashtagPage({ params, searchParams }: Props) {
  const tag = normalize((await params).tag);
  const cursor = param((await searchParams).cursor);
  const feed = await serverApi.hashtag(tag, { cursor, limit: 60 });
  return (
    <FeedPage
      title={`#${tag}`}
      nav={null}
      source={{ kind: 'hashtag', tag }}
      feed={feed}
      moreHref={`/t/${encodeURIComponent(tag)}`}
      empty={`No artworks tagged #${tag} yet.`}
      intro={<p><a href={`/play?channel=${encodeURIComponent(`tag:${tag}`)}`}>Play #{tag} full screen</a></p>}
    />
  );
}
