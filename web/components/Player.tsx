'use client';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api } from '@/lib/api';
import { channelTitle } from '@/lib/channel';
import { inWords } from '@/lib/words';
import type { PostSummary } from '@makapix/protocol';
import { loadFeed, type FeedSource } from './ArtGrid';
import { PixelArt } from './PixelArt';
import { useSession } from './SessionProvider';

const DWELLS = [5, 10, 30, 60];

/** `recent | promoted | following | tag:<t> | user:<handle>` (the web agreement's channel names). */
async function sourceOf(api: Api, channel: string): Promise<FeedSource> {
  if (channel === 'promoted' || channel === 'following' || channel === 'recent') return { kind: channel };
  if (channel.startsWith('tag:')) return { kind: 'hashtag', tag: channel.slice(4) };
  if (channel.startsWith('user:')) return { kind: 'user', userId: (await api.userByHandle(channel.slice(5))).id };
  return { kind: 'recent' };
}

/**
 * The web player: a feed, hashtag or profile as a full-screen channel. Each artwork stays for the
 * dwell time; ←/→ previous/next, Space pause, F full screen, Escape leaves. Every artwork shown is
 * an impression, counted through the api (docs/product.md §4).
 */
export function Player({ channel }: { channel: string }) {
  const { api, status } = useSession();
  const router = useRouter();
  const [items, setItems] = useState<PostSummary[]>([]);
  const [index, setIndex] = useState(0);
  const [paused, setPaused] = useState(false);
  const [dwell, setDwell] = useState(10);
  const [error, setError] = useState('');
  const source = useRef<FeedSource | null>(null);
  const cursor = useRef<string | null>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (status === 'loading') return;
    let cancelled = false;
    (async () => {
      try {
        source.current = await sourceOf(api, channel);
        const page = await loadFeed(api, source.current);
        if (cancelled) return;
        const ready = page.items.filter((p) => p.artUrl);
        setItems(ready);
        cursor.current = page.nextCursor;
        if (ready.length === 0) setError('This channel has no artworks to play yet.');
      } catch (err) {
        if (!cancelled) setError(inWords(err));
      }
    })();
    return () => { cancelled = true; };
  }, [api, channel, status]);

  const go = useCallback((step: number) => {
    setIndex((i) => {
      const n = items.length;
      if (n === 0) return 0;
      const next = i + step;
      // Near the end of what is loaded, fetch the next page; past the end, start over.
      if (step > 0 && next >= n - 3 && cursor.current && source.current) {
        const c = cursor.current;
        cursor.current = null;
        loadFeed(api, source.current, c).then((page) => {
          setItems((old) => [...old, ...page.items.filter((p) => p.artUrl)]);
          cursor.current = page.nextCursor;
        }, () => {});
      }
      return ((next % n) + n) % n;
    });
  }, [items.length, api]);

  const current = items[index];
  useEffect(() => {
    if (current) api.reportView(current.id, { kind: 'impression' }).catch(() => {});
  }, [current, api]);

  useEffect(() => {
    if (paused || items.length < 2) return;
    const timer = setTimeout(() => go(1), dwell * 1000);
    return () => clearTimeout(timer);
  }, [paused, dwell, index, items.length, go]);

  // Full screen: the page behind the player is out of reach of Tab and screen readers meanwhile.
  useEffect(() => {
    const behind = [...document.querySelectorAll('.site-header, .site-footer, .bottom-bar')];
    for (const el of behind) el.setAttribute('inert', '');
    return () => {
      for (const el of behind) el.removeAttribute('inert');
    };
  }, []);

  useEffect(() => {
    root.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLSelectElement) return;
      if (e.key === 'ArrowRight') go(1);
      else if (e.key === 'ArrowLeft') go(-1);
      else if (e.key === ' ' && !(e.target instanceof HTMLButtonElement)) { e.preventDefault(); setPaused((p) => !p); }
      else if (e.key === 'f' || e.key === 'F') void (document.fullscreenElement ? document.exitFullscreen() : root.current?.requestFullscreen());
      else if (e.key === 'Escape' && !document.fullscreenElement) router.back();
      else return;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, router]);

  return (
    <div ref={root} className="player" tabIndex={-1} aria-label={`Player: ${channelTitle(channel)}`} role="region">
      <div className="screen">
        {current && current.width && current.height ? (
          <PixelArt key={current.id} src={current.artUrl!} alt={current.title} width={current.width} height={current.height} box="fill" fallbackBox={{ width: 640, height: 480 }} checker={false} priority />
        ) : (
          <p role={error ? 'alert' : 'status'} style={{ textAlign: 'center', paddingTop: '30vh' }}>{error || 'Loading the channel…'}</p>
        )}
      </div>
      <div className="controls">
        <span aria-live="polite">{current ? `${current.title} — @${current.owner.handle}` : channelTitle(channel)}</span>
        <button type="button" onClick={() => go(-1)} aria-keyshortcuts="ArrowLeft">Previous</button>
        <button type="button" onClick={() => setPaused((p) => !p)} aria-keyshortcuts="Space">{paused ? 'Play' : 'Pause'}</button>
        <button type="button" onClick={() => go(1)} aria-keyshortcuts="ArrowRight">Next</button>
        <label>
          Dwell{' '}
          <select value={dwell} onChange={(e) => setDwell(Number(e.target.value))} style={{ background: '#222', color: '#eee' }}>
            {DWELLS.map((d) => <option key={d} value={d}>{d} s</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void (document.fullscreenElement ? document.exitFullscreen() : root.current?.requestFullscreen())} aria-keyshortcuts="F">Full screen</button>
        {current ? <a href={`/p/${current.id}`} style={{ color: '#eee' }}>Open artwork</a> : null}
        <button type="button" onClick={() => router.back()} aria-keyshortcuts="Escape">Close</button>
      </div>
    </div>
  );
}
