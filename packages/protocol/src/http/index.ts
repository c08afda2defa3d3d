// The HTTP contract of `/api/v1` (docs/product.md §3): every request and response shape the api validates
// and serializes with, one file per area, so the web client imports the same types.
export * from './lists.ts';
export * from './errors.ts';
export * from './posts.ts';
export * from './handles.ts';
export * from './users.ts';
export * from './accounts.ts';
export * from './comments.ts';
export * from './reactions.ts';
export * from './follows.ts';
export * from './blocks.ts';
export * from './reports.ts';
export * from './views.ts';
export * from './search.ts';
export * from './feeds.ts';
export * from './playlists.ts';
export * from './playsets.ts';
export * from './health.ts';
export * from './moderation.ts';
export * from './players.ts';
export * from './device-http.ts';
export * from './notifications.ts';
