/** The player's channel names from the web agreement: `recent | promoted | following | tag:<t> | user:<handle>`. */
export function channelTitle(channel: string): string {
  if (channel.startsWith('tag:')) return `#${channel.slice(4)}`;
  if (channel.startsWith('user:')) return `@${channel.slice(5)}`;
  return channel === 'promoted' ? 'Promoted' : channel === 'following' ? 'Following' : 'Recent';
}
