import type { Metadata } from 'next';
import { FollowingFeed } from '@/components/FollowingFeed';
import { FeedNav } from '@/components/FeedNav';

export const metadata: Metadata = { title: 'Following', robots: { index: false } };

/** Members only: the feed is personal, so the browser loads it with the member's token. */
export default function FollowingPage() {
  return (
    <>
      <FeedNav current="following" />
      <main id="main">
        <h1 className="page-title pixel">Following</h1>
        <FollowingFeed />
      </main>
    </>
  );
}
