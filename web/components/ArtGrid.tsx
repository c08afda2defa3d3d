'use client';
import { useEffect, useRef, useState } from 'react';
import type { Api } from '@/lib/api';
import { inWords } from '@/lib/words';
import type { PostSummary } from '@makapix/protocol';
import type { Feed } from '@/lib/api';
import { ArtTile } from './ArtTile';
import { useSession } from './SessionProvider';

/** Which list a grid pages through (the browser asks the same endpoint the server rendered). */
export type FeedSource =
  | { kind: 'recent' | 'promoted' | 'following' }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'user'; userId: string }
  | { kind: 'search'; q: string };

export function loadFeed(api: Api, source: FeedSource, cursor?: string): Promise<Feed> {
  const page = { cursor, limit: 60 };
  switch (source.kind) {
    case 'recent':
      return api.recent(page);
    case 'promoted':
      return api.promoted(page);
    case 'following':
      return api.following(page);
    case 'hashtag':
      return api.hashtag(source.tag, page);
    case 'user':
      return api.userPosts(source.userId, page);
    case 'search':
      return api.searchArtworks(source.q, page);
  }
}

/**
 * Infinite grid with keyset paging: the server renders the first page (and a plain "More" link for
 * readers without JavaScript); the browser appends the next pages as the end comes into view.
 * Cells have their final size before images load, so nothing jumps. When `initial` is null the
 * grid loads its first page itself (member-only feeds such as Following).
 */
export function ArtGrid({ source, initial, moreHref, empty }: { source: FeedSource; initial: Feed | null; moreHref?: string; empty: React.ReactNode }) {
  const { api, status } = useSession();
  const [items, setItems] = useState<PostSummary[]>(initial?.items ?? []);
  const [cursor, setCursor] = useState<string | null>(initial?.nextCursor ?? null);
  const [loaded, setLoaded] = useState(initial !== null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);

  // Member-only feeds (or a member's view of a public one) load once the session is known.
  useEffect(() => {
    if (initial !== null || status === 'loading') return;
    loadFeed(api, source)
      .then((page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
      })
      .catch((err: unknown) => setError(inWords(err)))
      .finally(() => setLoaded(true));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  const more = async () => {
    if (!cursor || busy) return;
    setBusy(true);
    try {
      const page = await loadFeed(api, source, cursor);
      setItems((old) => {
        const seen = new Set(old.map((p) => p.id));
        return [...old, ...page.items.filter((p) => !seen.has(p.id))];
      });
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(inWords(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !cursor) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void more(), { rootMargin: '600px' });
    observer.observe(el);
    return () => observer.disconnect();
  });

  if (loaded && items.length === 0 && !error) return <div className="empty">{empty}</div>;
  return (
    <>
      <ul className="art-grid" aria-busy={!loaded || busy}>
        {items.map((post, i) => (
          <ArtTile key={post.id} post={post} priority={i < 12} />
        ))}
      </ul>
      <div ref={sentinel} className="grid-more">
        {error ? (
          <p role="alert" className="error">
            {error} <button type="button" onClick={() => void more()}>Try again</button>
          </p>
        ) : cursor && moreHref ? (
          <a
            href={`${moreHref}${moreHref.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`}
            className="btn"
            onClick={(e) => {
              e.preventDefault();
              void more();
            }}
          >
            {busy ? 'Loading…' : 'More artworks'}
          </a>
        ) : cursor ? (
          <button type="button" onClick={() => void more()} disabled={busy}>
            {busy ? 'Loading…' : 'More artworks'}
          </button>
        ) : !loaded ? (
          <p>Loading…</p>
        ) : null}
      </div>
    </>
  );
}
