import type { SimPlayer } from './player.ts';

export interface PlaybackOptions {
  /** How long each artwork stays on screen (the firmware default is 30 s). */
  dwellMs: number;
  channel?: string;
  log?: (msg: string) => void;
  /** Fetch each artwork file like a device would, to exercise the vault. */
  download?: boolean;
}

interface PostSummary {
  post_id: number;
  art_url?: string;
  kind?: string;
}

/**
 * The play loop of a player: pages through a channel with `query_posts`, shows each artwork for the
 * dwell time, reports a view after 5 s on screen (PROTOCOL.md §7) and starts over at the end.
 * Returns a stop function.
 */
export function startPlayback(player: SimPlayer, opts: PlaybackOptions): () => void {
  let stopped = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const channel = opts.channel ?? 'all';

  const loop = async () => {
    let cursor: string | null = null;
    while (!stopped) {
      let page: Record<string, unknown>;
      try {
        page = await player.request('query_posts', { channel, sort: 'server_order', limit: 20, cursor });
      } catch (err) {
        opts.log?.(`query_posts failed: ${(err as Error).message}`);
        await sleep(opts.dwellMs);
        continue;
      }
      const posts = (Array.isArray(page.posts) ? page.posts : []) as PostSummary[];
      if (page.success !== true || posts.length === 0) {
        cursor = null;
        await sleep(opts.dwellMs);
        continue;
      }
      for (const post of posts) {
        if (stopped) return;
        if (post.kind && post.kind !== 'artwork') continue;
        player.currentPostId = post.post_id;
        if (opts.download && post.art_url) {
          const res = await fetch(post.art_url).catch(() => null);
          if (!res?.ok) opts.log?.(`download of ${post.art_url} failed (${res?.status ?? 'network'})`);
          else await res.arrayBuffer();
        }
        await sleep(Math.min(5_000, opts.dwellMs));
        await player.sendView(post.post_id, 'channel', channel).catch(() => undefined);
        await sleep(Math.max(0, opts.dwellMs - 5_000));
      }
      cursor = typeof page.next_cursor === 'string' && page.has_more === true ? page.next_cursor : null;
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}
