// Payloads exactly as the shipping p3a firmware (and docs/device-protocol.md) put them on the wire: raw JSON
// strings, parsed in the tests the way a handler parses an MQTT payload.
export const KEY = '7e98a5b2-3c4d-4e5f-8a6b-1c2d3e4f5a6b';
export const OTHER_KEY = '0f1e2d3c-4b5a-4968-b7a6-9584736251f0';
export const REQUEST_ID = '0123456789abcdef0123456789abcdef';
export const COMMAND_ID = '3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a098';
export const STORAGE_KEY = '5b0c7f2e-1d3a-4e6b-9c8d-7a6b5c4d3e2f';

export const wire = {
  statusOnline: `{"player_key":"${KEY}","status":"online","live_mode":false,"current_post_id":12345,"firmware_version":"1.4.2","timestamp":"2025-12-22T16:24:15Z"}`,
  statusUnsyncedClock: `{"player_key":"${KEY}","status":"online","live_mode":false,"current_post_id":null,"firmware_version":"1.4.2","timestamp":"1970-01-01T00:00:00Z"}`,
  lastWill: `{"player_key":"${KEY}","status":"offline"}`,
  viewChannel: `{"post_id":123,"timestamp":"2025-12-22T16:24:15Z","timezone":"","intent":"channel","play_order":1,"channel":"by_user","player_key":"${KEY}","channel_user_sqid":"k5fNx","request_ack":true}`,
  viewArtworkNulls: `{"post_id":123,"timestamp":"2025-12-22T16:24:15Z","timezone":"","intent":"artwork","play_order":0,"channel":"all","player_key":"${KEY}","channel_user_sqid":null,"channel_hashtag":null,"request_ack":false}`,
  commandAckOk: `{"command_id":"${COMMAND_ID}","status":"ok","error":null}`,
  commandAckError: `{"command_id":"${COMMAND_ID}","status":"error","error":"artwork download failed"}`,
  capabilitiesAll: `{"firmware_version":"1.4.2","features":{"pause":{},"brightness":{"min":1,"max":255,"step":1},"rotation":{"values":[0,90,180,270]},"mirror":{"values":["none","horizontal","vertical","both"]}}}`,
  stateFull: `{"is_paused":false,"brightness":40,"rotation":90,"mirror":"none"}`,
  statePartial: `{"brightness":40}`,
  queryPosts: `{"request_type":"query_posts","channel":"by_user","sort":"random","user_sqid":"k5fNx","cursor":null,"limit":48,"random_seed":12345,"request_id":"${REQUEST_ID}","player_key":"${KEY}"}`,
  getPost: `{"request_type":"get_post","post_id":4242,"request_id":"${REQUEST_ID}","player_key":"${KEY}"}`,
  submitReaction: `{"request_type":"submit_reaction","post_id":4242,"emoji":"\u2764\ufe0f","request_id":"${REQUEST_ID}","player_key":"${KEY}"}`,
  getPlayset: `{"request_type":"get_playset","playset_name":"followed_artists","request_id":"${REQUEST_ID}","player_key":"${KEY}"}`,
  provision: `{"device_model":"p3a","firmware_version":"1.4.2"}`,
} as const;

export function artwork(postId: number, extra: Record<string, unknown> = {}) {
  return {
    post_id: postId,
    kind: 'artwork' as const,
    created_at: '2025-12-22T16:24:15.000Z',
    storage_key: STORAGE_KEY,
    art_url: `http://localhost:8080/vault/ab/cd/ef/${STORAGE_KEY}.png`,
    storage_shard: 'ab/cd/ef',
    native_format: 'png' as const,
    ...extra,
  };
}
