// The HTTP contract of `/api/v1` (SPEC.md §3): every request and response shape the api validates
// and serializes with, one file per area, so the web client imports the same types.
export * from './lists.ts';
export * from './errors.ts';
export * from './posts.ts';
export * from './handles.ts';
export * from './users.ts';
export * from './accounts.ts';
