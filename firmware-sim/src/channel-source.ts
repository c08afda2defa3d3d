import { DEFAULT_DWELL_TIME_MS, type Command, type DevicePlaysetChannel } from '@makapix/protocol';

/** A channel as the firmware asks the server for it (docs/device-protocol.md §5 `query_posts`). */
export interface ChannelQuery {
  channel: 'all' | 'promoted' | 'by_user' | 'reactions' | 'hashtag';
  user_sqid?: string;
  user_handle?: string;
  hashtag?: string;
}

/** One artwork ready to play, whatever told the device to play it. */
export interface PlayItem {
  postId: number;
  storageKey: string;
  nativeFormat: string;
  /** Vault URL the device downloads (derived by the device for channel items). */
  url: string;
  dwellMs: number;
  intent: 'artwork' | 'channel';
  channel: string;
  channelUserSqid?: string;
  channelHashtag?: string;
  title?: string;
}

/** `play_channel` payload → the query the firmware sends (the firmware rejects `user`, §6). */
export function queryOfPlayChannel(command: Extract<Command, { command_type: 'play_channel' }>): ChannelQuery {
  const p = command.payload;
  if (p.channel_name === 'hashtag') return { channel: 'hashtag', hashtag: p.hashtag };
  if (p.channel_name === 'by_user' || p.channel_name === 'reactions') return { channel: p.channel_name, user_sqid: p.user_sqid, user_handle: p.user_handle };
  return { channel: p.channel_name };
}

/**
 * `execute_playset` channels → the queries the device plays in turn. `sdcard` and `pinned` name
 * content local to a physical device; a simulated player has none, so they are skipped.
 */
export function queriesOfPlayset(channels: readonly DevicePlaysetChannel[]): ChannelQuery[] {
  const out: ChannelQuery[] = [];
  for (const c of channels) {
    if (c.type === 'named' && (c.name === 'all' || c.name === 'promoted')) out.push({ channel: c.name });
    else if (c.type === 'user' && c.identifier) out.push({ channel: 'by_user', user_sqid: c.identifier, ...(c.display_name ? { user_handle: c.display_name.replace(/^@/, '') } : {}) });
    else if (c.type === 'reactions' && c.identifier) out.push({ channel: 'reactions', user_sqid: c.identifier });
    else if (c.type === 'hashtag' && c.identifier) out.push({ channel: 'hashtag', hashtag: c.identifier });
  }
  return out;
}

export function describeQuery(q: ChannelQuery): string {
  if (q.channel === 'hashtag') return `#${q.hashtag}`;
  if (q.channel === 'by_user' || q.channel === 'reactions') return `${q.channel}:${q.user_handle ?? q.user_sqid}`;
  return q.channel;
}

export const DEFAULT_DWELL_MS = DEFAULT_DWELL_TIME_MS;
