import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { PlayItem } from '../channel-source.ts';
import type { Playback } from '../playback.ts';
import type { Player } from '../player.ts';
import { decodeArtwork, type Artwork } from './frames.ts';
import { renderHalfBlocks } from './half-blocks.ts';
import { panelPicture, type Picture } from './pixels.ts';
import { snapshotPng } from './snapshot.ts';

export interface ScreenOptions {
  /** Where frames are drawn (a TTY); none = render off-screen only (tests, snapshots). */
  out?: Writable;
  /** Largest side in panel pixels before a whole-factor downscale (terminal width). */
  maxSide?: number;
  fetchArt?: (url: string) => Promise<Uint8Array>;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} for ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The player's panel in a terminal: the current artwork in true-colour half blocks, animated at
 * its frame durations, with brightness, rotation and mirror applied to the picture, and a status line.
 */
export class Screen {
  private artwork: Artwork | null = null;
  private item: PlayItem | null = null;
  private frameIndex = 0;
  private frameTimer: NodeJS.Timeout | null = null;
  private problem: string | null = null;
  private drawnLines = 0;
  picture: Picture = { width: 0, height: 0, rgb: new Uint8Array() };
  lines: string[] = [];

  constructor(private readonly player: Player, private readonly playback: Playback, private readonly opts: ScreenOptions = {}) {
    playback.on('show', this.onShow);
    player.on('command', this.onSettings);
    player.on('connected', this.onSettings);
    player.on('disconnected', this.onSettings);
  }

  private readonly onShow = (item: PlayItem) => void this.load(item);
  private readonly onSettings = () => {
    this.render();
    this.schedule();
  };

  /** Loads and shows an artwork; resolves when its first frame is on screen. */
  async load(item: PlayItem, bytes?: Uint8Array): Promise<void> {
    this.item = item;
    this.problem = null;
    try {
      const art = await decodeArtwork(bytes ?? (await (this.opts.fetchArt ?? fetchBytes)(item.url)));
      if (this.item !== item) return;
      this.artwork = art;
    } catch (err) {
      if (this.item !== item) return;
      this.artwork = null;
      this.problem = `cannot show: ${(err as Error).message}`;
    }
    this.frameIndex = 0;
    this.render();
    this.schedule();
  }

  private schedule() {
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.frameTimer = null;
    const art = this.artwork;
    if (!art || art.frames.length < 2 || this.player.state.is_paused) return;
    this.frameTimer = setTimeout(() => {
      this.frameIndex = (this.frameIndex + 1) % art.frames.length;
      this.render();
      this.schedule();
    }, art.frames[this.frameIndex]!.delayMs);
  }

  statusLine(): string {
    const s = this.player.state;
    const post = this.item ? `post ${this.item.postId}` : 'no artwork';
    const frames = this.artwork && this.artwork.frames.length > 1 ? ` · frame ${this.frameIndex + 1}/${this.artwork.frames.length}` : '';
    const link = this.player.connected ? 'online' : 'offline';
    return `${s.is_paused ? '❚❚' : '▶'} ${this.playback.source} · ${post}${frames} · brightness ${s.brightness} · rotation ${s.rotation}° · mirror ${s.mirror} · ${link}${this.problem ? ` · ${this.problem}` : ''}`;
  }

  /** Rebuilds the picture and the half-block lines, and draws them if there is a terminal. */
  render(): void {
    const art = this.artwork;
    const s = this.player.state;
    const max = this.player.capabilities.features.brightness?.max;
    this.picture = art
      ? panelPicture(art.frames[this.frameIndex]!, art.width, art.height, { brightness: s.brightness ?? 100, rotation: s.rotation ?? 0, mirror: s.mirror ?? 'none', ...(max ? { brightnessMax: max } : {}) }, this.opts.maxSide)
      : { width: 0, height: 0, rgb: new Uint8Array() };
    this.lines = renderHalfBlocks(this.picture);
    const out = this.opts.out;
    if (!out) return;
    // Home the cursor and overwrite; clear what a larger previous picture left below.
    const clear = this.drawnLines > this.lines.length + 1 ? '\x1b[J' : '';
    out.write(`\x1b[H${this.lines.map((l) => `${l}\x1b[K`).join('\n')}\n${this.statusLine()}\x1b[K\n${clear}`);
    this.drawnLines = this.lines.length + 1;
  }

  /** Exactly what the terminal shows: half-block lines then the status line. */
  capture(): string {
    return `${this.lines.join('\n')}\n${this.statusLine()}\n`;
  }

  async snapshot(file: string): Promise<void> {
    await writeFile(file, await snapshotPng(this.picture, this.statusLine()));
  }

  stop(): void {
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.playback.off('show', this.onShow);
    this.player.off('command', this.onSettings);
    this.player.off('connected', this.onSettings);
    this.player.off('disconnected', this.onSettings);
  }
}
