import { describe, expect, it } from 'vitest';
import { newRequestId, normalizeHashtag, parseDeviceRequest, queryPostsChannelError, type DeviceRequest } from '../src/index.ts';
import { KEY, REQUEST_ID, wire } from './fixtures.ts';

const base = { request_id: REQUEST_ID, player_key: KEY };

function ok(json: unknown): DeviceRequest {
  const result = parseDeviceRequest(json);
  if (!result.ok) throw new Error(`expected ok, got ${result.error_code}: ${result.error}`);
  return result.request;
}

describe('parseDeviceRequest: what the firmware sends', () => {
  it('parses the p3a query_posts body and applies defaults', () => {
    const req = ok(JSON.parse(wire.queryPosts));
    expect(req).toMatchObject({
      request_type: 'query_posts',
      channel: 'by_user',
      sort: 'random',
      user_sqid: 'k5fNx',
      cursor: null,
      limit: 48,
      random_seed: 12345,
      criteria: [],
      include_fields: [],
    });
  });

  it('parses get_post, submit_reaction and get_playset as sent', () => {
    expect(ok(JSON.parse(wire.getPost))).toMatchObject({ request_type: 'get_post', post_id: 4242 });
    expect(ok(JSON.parse(wire.submitReaction))).toMatchObject({ emoji: '\u2764\ufe0f' });
    expect(ok(JSON.parse(wire.getPlayset))).toMatchObject({ playset_name: 'followed_artists' });
  });
});

describe('parseDeviceRequest: every request type', () => {
  it('query_posts defaults channel all, sort server_order, limit 50, cursor null', () => {
    expect(ok({ ...base, request_type: 'query_posts' })).toEqual({
      ...base,
      request_type: 'query_posts',
      channel: 'all',
      sort: 'server_order',
      cursor: null,
      limit: 50,
      criteria: [],
      include_fields: [],
    });
  });

  it('query_posts keeps known include_fields and drops unknown ones', () => {
    const req = ok({ ...base, request_type: 'query_posts', include_fields: ['width', 'future_field', 'width', 'owner_handle'] });
    expect(req.request_type === 'query_posts' && req.include_fields).toEqual(['width', 'owner_handle']);
  });

  it.each([
    ['limit 0', { limit: 0 }],
    ['limit 51', { limit: 51 }],
    ['fractional limit', { limit: 10.5 }],
    ['unknown channel', { channel: 'user_feed' }],
    ['unknown sort', { sort: 'popular' }],
    ['numeric cursor', { cursor: 10 }],
  ])('query_posts rejects %s as invalid_request', (_label, extra) => {
    const result = parseDeviceRequest({ ...base, request_type: 'query_posts', ...extra });
    expect(result).toMatchObject({ ok: false, error_code: 'invalid_request', request_id: REQUEST_ID });
  });

  it('query_posts with bad criteria is invalid_criteria', () => {
    const result = parseDeviceRequest({
      ...base,
      request_type: 'query_posts',
      criteria: [{ field: 'width', op: 'is_null' }],
    });
    expect(result).toMatchObject({ ok: false, error_code: 'invalid_criteria', request_id: REQUEST_ID });
  });

  it('query_posts with too many criteria is invalid_criteria', () => {
    const criteria = Array.from({ length: 65 }, () => ({ field: 'width', op: 'eq', value: 64 }));
    const result = parseDeviceRequest({ ...base, request_type: 'query_posts', criteria });
    expect(result).toMatchObject({ ok: false, error_code: 'invalid_criteria' });
  });

  it('get_post needs an integer post_id', () => {
    expect(ok({ ...base, request_type: 'get_post', post_id: 1, include_fields: ['dwell_time_ms'] })).toMatchObject({
      include_fields: ['dwell_time_ms'],
    });
    expect(parseDeviceRequest({ ...base, request_type: 'get_post' })).toMatchObject({ error_code: 'invalid_request' });
    expect(parseDeviceRequest({ ...base, request_type: 'get_post', post_id: '7' })).toMatchObject({
      error_code: 'invalid_request',
    });
  });

  it.each(['submit_reaction', 'revoke_reaction'])('%s counts emoji length in characters (1-20)', (type) => {
    expect(ok({ ...base, request_type: type, post_id: 9, emoji: '👍🏽' })).toMatchObject({ emoji: '👍🏽' });
    // 20 code points that are 40 UTF-16 units: still allowed.
    expect(ok({ ...base, request_type: type, post_id: 9, emoji: '😀'.repeat(20) })).toBeTruthy();
    for (const emoji of ['', '😀'.repeat(21)]) {
      expect(parseDeviceRequest({ ...base, request_type: type, post_id: 9, emoji })).toMatchObject({
        ok: false,
        error_code: 'invalid_request',
      });
    }
  });

  it('get_comments allows limit 1-200, default 50', () => {
    expect(ok({ ...base, request_type: 'get_comments', post_id: 3 })).toMatchObject({ limit: 50, cursor: null });
    expect(ok({ ...base, request_type: 'get_comments', post_id: 3, limit: 200, cursor: 'abc' })).toMatchObject({
      limit: 200,
      cursor: 'abc',
    });
    expect(parseDeviceRequest({ ...base, request_type: 'get_comments', post_id: 3, limit: 201 })).toMatchObject({
      error_code: 'invalid_request',
    });
  });

  it('get_playset needs a name', () => {
    expect(parseDeviceRequest({ ...base, request_type: 'get_playset', playset_name: '' })).toMatchObject({
      error_code: 'invalid_request',
    });
  });

  it('echo allows at most 512 characters', () => {
    expect(ok({ ...base, request_type: 'echo', echo_data: 'x'.repeat(512) })).toMatchObject({ request_type: 'echo' });
    expect(parseDeviceRequest({ ...base, request_type: 'echo', echo_data: 'x'.repeat(513) })).toMatchObject({
      error_code: 'invalid_request',
    });
  });
});

describe('parseDeviceRequest: envelope failures', () => {
  it('tells an unknown request_type apart from invalid fields and keeps the request id', () => {
    expect(parseDeviceRequest({ ...base, request_type: 'submit_view', post_id: 1 })).toEqual({
      ok: false,
      error_code: 'unknown_request_type',
      error: 'unknown request_type: submit_view',
      request_id: REQUEST_ID,
    });
  });

  it('reports a missing request_type or a non-object as invalid_request', () => {
    expect(parseDeviceRequest({ ...base })).toMatchObject({ error_code: 'invalid_request', request_id: REQUEST_ID });
    expect(parseDeviceRequest('hello')).toEqual({
      ok: false,
      error_code: 'invalid_request',
      error: 'request must be a JSON object',
    });
    expect(parseDeviceRequest([1, 2])).toMatchObject({ error_code: 'invalid_request' });
    expect(parseDeviceRequest(null)).toMatchObject({ error_code: 'invalid_request' });
  });

  it('omits request_id from the failure when the body has none', () => {
    const result = parseDeviceRequest({ player_key: KEY, request_type: 'echo', echo_data: 'x' });
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('request_id');
  });

  it('fills request_id and player_key from defaults (HTTPS rpc)', () => {
    const result = parseDeviceRequest({ request_type: 'echo', echo_data: 'ping' }, { request_id: 'http-1', player_key: KEY });
    expect(result).toEqual({
      ok: true,
      request: { request_type: 'echo', echo_data: 'ping', request_id: 'http-1', player_key: KEY },
    });
    const own = parseDeviceRequest({ ...base, request_type: 'echo', echo_data: 'x' }, { request_id: 'other' });
    expect(own.ok && own.request.request_id).toBe(REQUEST_ID);
  });
});

describe('channel checks with their own error codes', () => {
  it('needs a user for by_user and reactions, a valid hashtag for hashtag', () => {
    expect(queryPostsChannelError({ channel: 'by_user' })).toBe('missing_user_identifier');
    expect(queryPostsChannelError({ channel: 'reactions', user_handle: 'ann' })).toBeNull();
    expect(queryPostsChannelError({ channel: 'by_user', user_sqid: 'k5fNx' })).toBeNull();
    expect(queryPostsChannelError({ channel: 'hashtag' })).toBe('missing_hashtag');
    expect(queryPostsChannelError({ channel: 'hashtag', hashtag: '  ' })).toBe('missing_hashtag');
    expect(queryPostsChannelError({ channel: 'hashtag', hashtag: 'two words' })).toBe('invalid_hashtag');
    expect(queryPostsChannelError({ channel: 'hashtag', hashtag: 'x'.repeat(65) })).toBe('invalid_hashtag');
    expect(queryPostsChannelError({ channel: 'hashtag', hashtag: '#PixelArt' })).toBeNull();
    expect(queryPostsChannelError({ channel: 'all' })).toBeNull();
  });

  it('normalizes hashtags to lower case without #', () => {
    expect(normalizeHashtag(' #PixelArt ')).toBe('pixelart');
    expect(normalizeHashtag('#')).toBeNull();
  });
});

describe('newRequestId', () => {
  it('makes 32 lower-case hex characters, different each time', () => {
    const id = newRequestId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(newRequestId()).not.toBe(id);
  });
});
