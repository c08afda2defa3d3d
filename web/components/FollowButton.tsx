'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { Api } from '@/lib/api';
import { inWords } from '@/lib/words';
import { useSession } from './SessionProvider';

/** Whether I follow a member: the api has no single-member query, so page my following list once. */
const followingCache = new Map<string, Promise<Set<string>>>();
async function myFollowing(api: Api, myId: string): Promise<Set<string>> {
  let cached = followingCache.get(myId);
  if (!cached) {
    cached = (async () => {
      const ids = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await api.followingOf(myId, { cursor, limit: 200 });
        for (const f of page.items) ids.add(f.member.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    })();
    followingCache.set(myId, cached);
    cached.catch(() => followingCache.delete(myId));
  }
  return cached;
}

export function FollowButton({ userId, handle }: { userId: string; handle: string }) {
  const { api, status, user } = useSession();
  const [following, setFollowing] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');

  useEffect(() => {
    if (status !== 'signed-in' || !user || user.id === userId) return;
    myFollowing(api, user.id).then((ids) => setFollowing(ids.has(userId)), () => setFollowing(false));
  }, [status, user, api, userId]);

  if (status === 'signed-out') return <Link className="btn" href={`/login?next=${encodeURIComponent(`/u/${handle}`)}`}>Log in to follow</Link>;
  if (!user || user.id === userId || following === null) return null;
  return (
    <span className="row">
      <button
        type="button"
        className={following ? undefined : 'primary'}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const state = await api.follow(userId, !following);
            setFollowing(state.following);
            const ids = await myFollowing(api, user.id);
            if (state.following) ids.add(userId);
            else ids.delete(userId);
            setMessage(state.following ? `You follow @${handle}.` : `You no longer follow @${handle}.`);
          } catch (err) {
            setMessage(inWords(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {following ? 'Unfollow' : 'Follow'}
      </button>
      <span aria-live="polite" className="hint">{message}</span>
    </span>
  );
}
