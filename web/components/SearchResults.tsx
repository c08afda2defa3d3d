'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { inWords } from '@/lib/words';
import type { MemberRef } from '@makapix/protocol';
import type { Feed } from '@/lib/api';
import { ArtGrid } from './ArtGrid';
import { MemberList } from './MemberList';
import { useSession } from './SessionProvider';

export interface SearchInitial {
  q: string;
  artworks: Feed;
  artists: Omit<MemberRef, never>[];
  hashtags: { tag: string; postCount: number }[];
}

/** Results as you type (debounced 250 ms, stale answers dropped); the URL follows the query. */
export function SearchResults({ initialQuery, initial }: { initialQuery: string; initial: SearchInitial | null }) {
  const { api } = useSession();
  const [q, setQ] = useState(initialQuery);
  const [results, setResults] = useState<SearchInitial | null>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const latest = useRef(0);

  useEffect(() => {
    const query = q.trim();
    if (query === (results?.q ?? '')) return;
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      // The address follows the query without asking the server to render the page again.
      window.history.replaceState(null, '', query ? `/search?q=${encodeURIComponent(query)}` : '/search');
      if (!query) return setResults(null);
      setBusy(true);
      try {
        const [artworks, artists, hashtags] = await Promise.all([
          api.searchArtworks(query, { limit: 60 }),
          api.searchArtists(query, { limit: 20 }),
          api.searchHashtags(query, { limit: 20 }),
        ]);
        if (ticket === latest.current) {
          setResults({ q: query, artworks, artists: artists.items, hashtags: hashtags.items });
          setError('');
        }
      } catch (err) {
        if (ticket === latest.current) setError(inWords(err));
      } finally {
        if (ticket === latest.current) setBusy(false);
      }
    }, 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const count = results ? results.artworks.items.length + results.artists.length + results.hashtags.length : 0;
  return (
    <>
      <form action="/search" method="get" role="search" aria-label="Find" className="row" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="search-page-q" className="visually-hidden">Find artworks, artists and hashtags</label>
        <input id="search-page-q" type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Type to search" style={{ flex: 1, maxWidth: 520 }} maxLength={100} />
        <noscript><button type="submit">Search</button></noscript>
      </form>
      <p aria-live="polite" className="hint">
        {busy ? 'Searching…' : results ? `${count}${results.artworks.nextCursor ? '+' : ''} results for “${results.q}”` : 'Search artworks by title or hashtag, artists by handle, and hashtags.'}
      </p>
      {error ? <p role="alert" className="error">{error}</p> : null}
      {results ? (
        <div className="stack" key={results.q}>
          {results.hashtags.length > 0 ? (
            <section aria-labelledby="hits-tags">
              <h2 id="hits-tags">Hashtags</h2>
              <ul className="tags">
                {results.hashtags.map((h) => <li key={h.tag}><Link href={`/t/${encodeURIComponent(h.tag)}`}>#{h.tag} ({h.postCount})</Link></li>)}
              </ul>
            </section>
          ) : null}
          {results.artists.length > 0 ? (
            <section aria-labelledby="hits-artists">
              <h2 id="hits-artists">Artists</h2>
              <MemberList members={results.artists} empty="" />
            </section>
          ) : null}
          <section aria-labelledby="hits-art">
            <h2 id="hits-art">Artworks</h2>
            <ArtGrid source={{ kind: 'search', q: results.q }} initial={results.artworks} empty={`No artworks match “${results.q}”.`} />
          </section>
        </div>
      ) : null}
    </>
  );
}
