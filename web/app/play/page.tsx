import type { Metadata } from 'next';
import { Player } from '@/components/Player';
import { channelTitle } from '@/lib/channel';
import { param, type SearchParams } from '@/lib/search-params';

type Props = { searchParams: SearchParams };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return { title: `Play ${channelTitle(param((await searchParams).channel) ?? 'recent')}`, robots: { index: false } };
}

export default async function PlayPage({ searchParams }: Props) {
  const channel = (param((await searchParams).channel) ?? 'recent').slice(0, 200);
  return (
    <main id="main">
      <h1 className="visually-hidden">Playing {channelTitle(channel)}</h1>
      <noscript><p>The player needs JavaScript. <a href="/">Browse the feed instead.</a></p></noscript>
      <Player channel={channel} />
    </main>
  );
}
