import { describe, expect, it } from 'vitest';
import {
  artworkObjectSchema,
  deviceErrorResponseSchema,
  errorResponse,
  fitResponse,
  getCommentsResponseSchema,
  getPlaysetResponseSchema,
  jsonByteLength,
  MAX_RESPONSE_BYTES,
  playlistObjectSchema,
  projectArtwork,
  queryPostsResponseSchema,
  reactionResponseSchema,
  successResponse,
  echoResponseSchema,
} from '../src/index.ts';
import { artwork, REQUEST_ID } from './fixtures.ts';

const bigTitle = 'é'.repeat(3000); // 2 bytes each in UTF-8, 1 UTF-16 unit: byte counting must use UTF-8

function page(count: number) {
  return successResponse(REQUEST_ID, {
    posts: Array.from({ length: count }, (_, i) => ({ ...artwork(i + 1), owner_handle: `artist-${i}-${bigTitle}` })),
    next_cursor: 'cursor-after-full-page',
    has_more: false,
  });
}

describe('fitResponse', () => {
  it('leaves a response that fits untouched', () => {
    const small = successResponse(REQUEST_ID, { posts: [artwork(1)], next_cursor: null, has_more: false });
    expect(fitResponse(small, 'posts')).toEqual(small);
  });

  it('trims a large page under 131072 UTF-8 bytes and sets has_more', () => {
    const payload = page(50);
    expect(jsonByteLength(payload)).toBeGreaterThan(MAX_RESPONSE_BYTES);
    const fitted = fitResponse(payload, 'posts');
    const bytes = Buffer.byteLength(JSON.stringify(fitted), 'utf8');
    expect(bytes).toBeLessThanOrEqual(131_072);
    expect(fitted.has_more).toBe(true);
    expect(fitted.posts.length).toBeGreaterThan(0);
    expect(fitted.posts.length).toBeLessThan(50);
    // The largest prefix that fits: one more item would not.
    const oneMore = { ...fitted, posts: payload.posts.slice(0, fitted.posts.length + 1) };
    expect(Buffer.byteLength(JSON.stringify(oneMore), 'utf8')).toBeGreaterThan(131_072);
    expect(fitted.posts).toEqual(payload.posts.slice(0, fitted.posts.length));
    expect(queryPostsResponseSchema.safeParse(fitted).success).toBe(true);
  });

  it('recomputes next_cursor after the last kept item when asked', () => {
    const fitted = fitResponse(page(50), 'posts', MAX_RESPONSE_BYTES, (last) => `after-${last.post_id}`);
    expect(fitted.next_cursor).toBe(`after-${fitted.posts[fitted.posts.length - 1]?.post_id}`);
  });

  it('honours a custom limit and trims comments too', () => {
    const comments = Array.from({ length: 200 }, (_, i) => ({
      comment_id: i + 1,
      post_id: 7,
      author_handle: 'ann',
      body: 'b'.repeat(100),
      depth: 0,
      parent_id: null,
      created_at: '2025-12-22T16:24:15Z',
      deleted: false,
    }));
    const payload = successResponse(REQUEST_ID, { comments, next_cursor: null, has_more: false });
    const fitted = fitResponse(payload, 'comments', 4096);
    expect(jsonByteLength(fitted)).toBeLessThanOrEqual(4096);
    expect(fitted.has_more).toBe(true);
    expect(getCommentsResponseSchema.safeParse(fitted).success).toBe(true);
  });

  it('throws when nothing fits', () => {
    expect(() => fitResponse(page(2), 'posts', 10)).toThrow(RangeError);
  });
});

describe('artwork and playlist objects', () => {
  it('always carries the mandatory fields and only requested extras, nulls omitted', () => {
    const source = { ...artwork(5), width: 64, height: 64, owner_handle: null, frame_count: 1, dwell_time_ms: null };
    expect(projectArtwork(source)).toEqual(artwork(5));
    const withExtras = projectArtwork(source, ['width', 'owner_handle', 'dwell_time_ms']);
    expect(withExtras).toEqual({ ...artwork(5), width: 64, dwell_time_ms: 30000 });
    expect(withExtras).not.toHaveProperty('owner_handle');
    expect(artworkObjectSchema.safeParse(withExtras).success).toBe(true);
  });

  it('rejects an artwork without storage_shard or with an unknown format', () => {
    const { storage_shard: _, ...noShard } = artwork(1);
    expect(artworkObjectSchema.safeParse(noShard).success).toBe(false);
    expect(artworkObjectSchema.safeParse({ ...artwork(1), native_format: 'jpg' }).success).toBe(false);
  });

  it('requires artworks[] in a playlist', () => {
    const playlist = {
      post_id: 9,
      kind: 'playlist',
      owner_handle: 'ann',
      created_at: '2025-12-22T16:24:15Z',
      metadata_modified_at: '2025-12-22T16:24:15Z',
      total_artworks: 2,
      dwell_time_ms: 30000,
      artworks: [artwork(1), artwork(2)],
    };
    expect(playlistObjectSchema.safeParse(playlist).success).toBe(true);
    const { artworks: _, ...withoutArtworks } = playlist;
    expect(playlistObjectSchema.safeParse(withoutArtworks).success).toBe(false);
  });
});

describe('response envelopes', () => {
  it('builds error responses with a known code only', () => {
    const err = errorResponse(REQUEST_ID, 'playset_not_found', 'no playset named x');
    expect(err).toEqual({ request_id: REQUEST_ID, success: false, error: 'no playset named x', error_code: 'playset_not_found' });
    expect(deviceErrorResponseSchema.safeParse(err).success).toBe(true);
    expect(deviceErrorResponseSchema.safeParse({ ...err, error_code: 'teapot' }).success).toBe(false);
  });

  it('matches the reaction, playset and echo success shapes', () => {
    expect(reactionResponseSchema.safeParse({ request_id: REQUEST_ID, success: true, error: null }).success).toBe(true);
    expect(
      getPlaysetResponseSchema.safeParse({
        request_id: REQUEST_ID,
        success: true,
        playset_name: 'followed_artists',
        channels: [{ type: 'user', identifier: 'k5fNx', display_name: '@ann' }],
        exposure_mode: 'equal',
        pick_mode: 'recency',
      }).success,
    ).toBe(true);
    expect(
      echoResponseSchema.safeParse({ request_id: REQUEST_ID, success: true, echo_data: 'ping', received_at: '2025-12-22T16:24:15.123Z' })
        .success,
    ).toBe(true);
  });
});
