import type { ReactNode } from 'react';
import type { Feed } from '@/lib/api';
import { ArtGrid, type FeedSource } from './ArtGrid';
import { FeedNav } from './FeedNav';

/** A server-rendered feed: title, tabs, and the first page of the grid. */
export function FeedPage(props: { title: string; nav: 'recent' | 'promoted' | 'following' | null; source: FeedSource; feed: Feed | null; moreHref?: string; empty: ReactNode; intro?: ReactNode }) {
  return (
    <>
      <FeedNav current={props.nav} />
      <main id="main">
        <h1 className="page-title pixel">{props.title}</h1>
        {props.intro}
        <ArtGrid source={props.source} initial={props.feed} moreHref={props.moreHref} empty={props.empty} />
      </main>
    </>
  );
}
