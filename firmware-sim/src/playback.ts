import { EventEmitter } from 'node:events';
import type { ArtworkObject, Command } from '@makapix/protocol';
import { DEFAULT_DWELL_MS, describeQuery, queriesOfPlayset, queryOfPlayChannel, type ChannelQuery, type PlayItem } from './channel-source.ts';
import type { Player } from './player.ts';
import { deviceArtworkUrl, shownArtworkUrl, vaultBaseOf } from './vault-path.ts';

export interface PlaybackOptions {
  /** Overrides each artwork's dwell time (the firmware default is the post's, else 30 s). */
  dwellMs?: number;
  /** docs/device-protocol.md §7: first view after 5 s on screen, then every 30 s while it stays. */
  viewFirstMs?: number;
  viewRepeatMs?: number;
  /** The firmware pages `query_posts` 32 at a time (issue 12). */
  pageLimit?: number;
  /** The vault the device downloads from (the firmware's configured host); default: the art_url's. */
  vaultBaseUrl?: string;
  channel?: ChannelQuery;
  /** Fetch each file like a device would (exercises the vault) when no display does. */
  download?: boolean;
  log?: (msg: string) => void;
  /** Told about each failed page (`query_posts_<error_code>`), for the fleet's error totals. */
  onError?: (what: string) => void;
}

const INCLUDE_FIELDS = ['dwell_time_ms', 'width', 'height', 'frame_count'];

/**
 * The firmware's play loop: pages a channel (or a playset's channels in turn) with `query_posts`,
 * shows each artwork for its dwell time, reports views, and obeys the playback commands
 * (`swap_next`, `swap_back`, `show_artwork`, `play_channel`, `execute_playset`, `set_paused`).
 * Emits `show` with each PlayItem.
 */
export class Playback extends EventEmitter {
  private queries: ChannelQuery[];
  private queryIndex = 0;
  private readonly cursors = new Map<number, string | null>();
  private queue: PlayItem[] = [];
  private readonly history: PlayItem[] = [];
  private dwellTimer: NodeJS.Timeout | null = null;
  private viewTimer: NodeJS.Timeout | null = null;
  private generation = 0;
  private stopped = true;
  private vaultBase: string | undefined;
  current: PlayItem | null = null;
  source: string;

  constructor(private readonly player: Player, private readonly opts: PlaybackOptions = {}) {
    super();
    this.queries = [opts.channel ?? { channel: 'all' }];
    this.source = describeQuery(this.queries[0]!);
    this.vaultBase = opts.vaultBaseUrl;
    player.on('command', this.onCommand);
  }

  start(): this {
    this.stopped = false;
    void this.advance();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.clearTimers();
    this.player.off('command', this.onCommand);
  }

  private readonly onCommand = (command: Command) => {
    switch (command.command_type) {
      case 'swap_next': return void this.advance();
      case 'swap_back': return this.back();
      case 'show_artwork': return this.showArtwork(command.payload);
      case 'play_channel': return this.switchTo([queryOfPlayChannel(command)], describeQuery(queryOfPlayChannel(command)));
      case 'execute_playset': {
        const queries = queriesOfPlayset(command.payload.channels);
        return this.switchTo(queries.length > 0 ? queries : this.queries, `playset:${command.payload.name ?? 'unnamed'}`);
      }
      case 'set_paused': return command.payload.paused ? this.clearDwell() : this.armDwell();
      default: return;
    }
  };

  private switchTo(queries: ChannelQuery[], label: string) {
    this.queries = queries;
    this.queryIndex = 0;
    this.cursors.clear();
    this.queue = [];
    this.source = label;
    void this.advance();
  }

  private showArtwork(p: Extract<Command, { command_type: 'show_artwork' }>['payload']) {
    const base = this.vaultBase ?? this.opts.vaultBaseUrl;
    this.show({
      postId: p.post_id, storageKey: p.storage_key, nativeFormat: p.native_format, title: p.title,
      url: base ? shownArtworkUrl(base, p.storage_key, p.native_format) : '',
      dwellMs: this.opts.dwellMs ?? DEFAULT_DWELL_MS, intent: 'artwork', channel: 'artwork',
    });
  }

  private back() {
    const previous = this.history.length >= 2 ? this.history[this.history.length - 2] : undefined;
    if (!previous) return;
    this.history.splice(-2, 2);
    this.show(previous);
  }

  /** Shows the next queued artwork, fetching the next page when the queue runs dry. */
  async advance(): Promise<void> {
    const gen = ++this.generation;
    for (let tries = 0; this.queue.length === 0 && tries < this.queries.length * 2; tries++) {
      await this.loadPage().catch((err: Error) => {
        this.opts.log?.(`query_posts failed: ${err.message}`);
        this.opts.onError?.(`query_posts_${err.message.replace(/\W+/g, '_').slice(0, 40)}`);
      });
      if (gen !== this.generation || this.stopped) return;
    }
    const next = this.queue.shift();
    if (next) return this.show(next);
    // Nothing to play anywhere: try again after one dwell, as the firmware idles on its last frame.
    this.clearDwell();
    this.dwellTimer = setTimeout(() => void this.advance(), this.opts.dwellMs ?? DEFAULT_DWELL_MS);
  }

  private async loadPage(): Promise<void> {
    const index = this.queryIndex;
    const query = this.queries[index]!;
    this.queryIndex = (this.queryIndex + 1) % this.queries.length;
    const cursor = this.cursors.get(index) ?? null;
    const page = await this.player.request('query_posts', {
      ...query, sort: 'server_order', cursor, limit: this.opts.pageLimit ?? 32, include_fields: INCLUDE_FIELDS,
    });
    if (page.success !== true) throw new Error(String(page.error_code ?? 'failed'));
    this.cursors.set(index, page.has_more === true && typeof page.next_cursor === 'string' ? page.next_cursor : null);
    const label = describeQuery(query);
    for (const post of (page.posts ?? []) as (ArtworkObject | { kind: 'playlist'; artworks?: ArtworkObject[] })[]) {
      const artworks = post.kind === 'artwork' ? [post] : (post.artworks ?? []);
      for (const a of artworks) this.queue.push(this.channelItem(a, query, label));
    }
  }

  private channelItem(a: ArtworkObject, query: ChannelQuery, label: string): PlayItem {
    this.vaultBase ??= vaultBaseOf(a.art_url) ?? undefined;
    return {
      postId: a.post_id, storageKey: a.storage_key, nativeFormat: a.native_format,
      // The device derives its own download path for channel artworks (docs/device-protocol.md §8 alias).
      url: deviceArtworkUrl(this.opts.vaultBaseUrl ?? vaultBaseOf(a.art_url) ?? this.vaultBase ?? '', a.storage_key, a.native_format),
      dwellMs: this.opts.dwellMs ?? a.dwell_time_ms ?? DEFAULT_DWELL_MS,
      intent: 'channel', channel: label.startsWith('#') ? 'hashtag' : query.channel,
      ...(query.user_sqid ? { channelUserSqid: query.user_sqid } : {}),
      ...(query.hashtag ? { channelHashtag: query.hashtag } : {}),
    };
  }

  private show(item: PlayItem) {
    if (this.stopped) return;
    this.generation++;
    this.clearTimers();
    this.current = item;
    this.history.push(item);
    if (this.history.length > 16) this.history.shift();
    this.player.currentPostId = item.postId;
    this.emit('show', item);
    if (this.opts.download && item.url) void fetch(item.url).then((r) => r.arrayBuffer()).catch(() => undefined);
    const view = () => {
      const extra = { ...(item.channelUserSqid ? { channel_user_sqid: item.channelUserSqid } : {}), ...(item.channelHashtag ? { channel_hashtag: item.channelHashtag } : {}) };
      void this.player.sendView(item.postId, item.intent, item.channel, false, extra).catch(() => undefined);
    };
    this.viewTimer = setTimeout(() => {
      view();
      this.viewTimer = setInterval(view, this.opts.viewRepeatMs ?? 30_000);
    }, this.opts.viewFirstMs ?? 5_000);
    this.armDwell();
  }

  private armDwell() {
    this.clearDwell();
    if (this.player.state.is_paused || !this.current || this.stopped) return;
    this.dwellTimer = setTimeout(() => void this.advance(), this.current.dwellMs);
  }

  private clearDwell() {
    if (this.dwellTimer) clearTimeout(this.dwellTimer);
    this.dwellTimer = null;
  }

  private clearTimers() {
    this.clearDwell();
    if (this.viewTimer) clearTimeout(this.viewTimer);
    this.viewTimer = null;
  }
}
