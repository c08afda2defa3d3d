'use client';
import Link from 'next/link';
import { ArtGrid } from './ArtGrid';
import { useSession } from './SessionProvider';

export function FollowingFeed() {
  const { status } = useSession();
  if (status === 'loading') return <p aria-live="polite">Loading your feed…</p>;
  if (status === 'signed-out')
    return (
      <div className="empty">
        The artists you follow show up here. <Link href="/login?next=%2Ffollowing">Log in</Link> or <Link href="/signup">sign up</Link> to follow artists.
      </div>
    );
  return <ArtGrid source={{ kind: 'following' }} initial={null} empty={<>You follow nobody yet — find artists on the <Link href="/">recent feed</Link>.</>} />;
}
