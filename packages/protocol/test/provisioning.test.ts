import { describe, expect, it } from 'vitest';
import {
  credentialsResponseSchema,
  DEVICE_TOKEN_RE,
  deviceTokenSchema,
  generateDeviceToken,
  generateRegistrationCode,
  normalizeRegistrationCode,
  parseBearerDeviceToken,
  promotedFeedQuerySchema,
  promotedFeedResponseSchema,
  provisionRequestSchema,
  provisionResponseSchema,
  REGISTRATION_CODE_ALPHABET,
  registerRequestSchema,
  renewCertResponseSchema,
  tokenRotateResponseSchema,
} from '../src/index.ts';
import { KEY, STORAGE_KEY, wire } from './fixtures.ts';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const TOKEN = `mpx_live_${'a'.repeat(40)}_-Z`;

describe('registration codes', () => {
  it('uses the unambiguous alphabet', () => {
    expect(REGISTRATION_CODE_ALPHABET).toBe('ABCDEFGHJKMNPQRSTUVWXYZ23456789');
    for (const ch of 'ILO01') expect(REGISTRATION_CODE_ALPHABET).not.toContain(ch);
  });

  it('normalizes case, spaces and dashes, and rejects the rest', () => {
    expect(normalizeRegistrationCode('ab3-k7m')).toBe('AB3K7M');
    expect(normalizeRegistrationCode(' ab3 k7m ')).toBe('AB3K7M');
    expect(normalizeRegistrationCode('AB3K7')).toBeNull();
    expect(normalizeRegistrationCode('AB3K7MX')).toBeNull();
    expect(normalizeRegistrationCode('AB3K7O')).toBeNull(); // O is not in the alphabet
    expect(normalizeRegistrationCode('AB3K71')).toBeNull();
  });

  it('generates 6 characters from the alphabet, varying', () => {
    const codes = new Set(Array.from({ length: 200 }, generateRegistrationCode));
    for (const code of codes) expect(normalizeRegistrationCode(code)).toBe(code);
    expect(codes.size).toBeGreaterThan(190);
  });

  it('validates the register body', () => {
    expect(registerRequestSchema.parse({ registration_code: 'ab3k7m', name: ' Kitchen ' })).toEqual({
      registration_code: 'AB3K7M',
      name: 'Kitchen',
    });
    expect(registerRequestSchema.safeParse({ registration_code: 'nope', name: 'x' }).success).toBe(false);
    expect(registerRequestSchema.safeParse({ registration_code: 'AB3K7MX', name: 'x' }).success).toBe(false);
    expect(registerRequestSchema.safeParse({ registration_code: 123456, name: 'x' }).success).toBe(false);
    // Outside the alphabet is well-formed but names no code: the lookup answers 404 (docs/device-protocol.md §2.2).
    expect(registerRequestSchema.parse({ registration_code: 'ab3-k7o', name: 'x' }).registration_code).toBe('AB3K7O');
    expect(registerRequestSchema.parse({ registration_code: '!!!!!!', name: 'x' }).registration_code).toBe('!!!!!!');
    expect(registerRequestSchema.safeParse({ registration_code: 'AB3K7M', name: '' }).success).toBe(false);
    expect(registerRequestSchema.safeParse({ registration_code: 'AB3K7M', name: 'x'.repeat(101) }).success).toBe(false);
  });
});

describe('device tokens', () => {
  it('matches mpx_live_ + 43 URL-safe characters', () => {
    expect(DEVICE_TOKEN_RE.test(TOKEN)).toBe(true);
    expect(deviceTokenSchema.safeParse(`${TOKEN}x`).success).toBe(false);
    expect(deviceTokenSchema.safeParse(TOKEN.replace('_-Z', '+/=')).success).toBe(false);
    expect(deviceTokenSchema.safeParse(TOKEN.replace('mpx_live_', 'mpx_test_')).success).toBe(false);
  });

  it('generates valid, distinct tokens and reads them from a bearer header', () => {
    const a = generateDeviceToken();
    expect(a).toMatch(DEVICE_TOKEN_RE);
    expect(generateDeviceToken()).not.toBe(a);
    expect(parseBearerDeviceToken(`Bearer ${a}`)).toBe(a);
    expect(parseBearerDeviceToken(`bearer ${a}`)).toBe(a);
    expect(parseBearerDeviceToken(`Basic ${a}`)).toBeNull();
    expect(parseBearerDeviceToken('Bearer nope')).toBeNull();
    expect(parseBearerDeviceToken(undefined)).toBeNull();
  });
});

describe('provisioning bodies', () => {
  it('parses the provision request the firmware sends, or an empty one', () => {
    expect(provisionRequestSchema.parse(JSON.parse(wire.provision))).toEqual({ device_model: 'p3a', firmware_version: '1.4.2' });
    expect(provisionRequestSchema.parse({})).toEqual({});
  });

  it('shapes the provision response', () => {
    const response = {
      player_key: KEY,
      registration_code: 'AB3K7M',
      registration_code_expires_at: '2025-12-22T16:39:15Z',
      mqtt_broker: { host: 'localhost', port: 8883 },
      https_api: { base_url: 'https://localhost:8443/api', auth: 'bearer' },
    };
    expect(provisionResponseSchema.safeParse(response).success).toBe(true);
    expect(provisionResponseSchema.safeParse({ ...response, registration_code: 'ab3k7m' }).success).toBe(false);
    expect(provisionResponseSchema.safeParse({ ...response, https_api: { base_url: 'x', auth: 'bearer' } }).success).toBe(false);
  });

  it('shapes credentials (api_token only on the first fetch), renew-cert and rotate responses', () => {
    const creds = {
      ca_pem: CERT,
      cert_pem: CERT,
      key_pem: PRIVATE_KEY,
      broker: { host: 'localhost', port: 8883 },
      https_api: { base_url: 'https://localhost/api', auth: 'bearer' },
      api_token: TOKEN,
    };
    expect(credentialsResponseSchema.safeParse(creds).success).toBe(true);
    expect(credentialsResponseSchema.safeParse({ ...creds, api_token: null }).success).toBe(true);
    expect(credentialsResponseSchema.safeParse({ ...creds, key_pem: CERT }).success).toBe(false);
    expect(
      renewCertResponseSchema.safeParse({
        cert_pem: CERT,
        key_pem: PRIVATE_KEY,
        ca_pem: CERT,
        cert_expires_at: '2028-12-21T16:24:15Z',
        message: 'renewed',
      }).success,
    ).toBe(true);
    expect(tokenRotateResponseSchema.safeParse({ api_token: TOKEN, rotated_at: '2025-12-22T16:24:15Z' }).success).toBe(true);
    expect(tokenRotateResponseSchema.safeParse({ api_token: 'secret', rotated_at: '2025-12-22T16:24:15Z' }).success).toBe(false);
  });
});

describe('promoted feed', () => {
  it('parses the firmware query string', () => {
    expect(
      promotedFeedQuerySchema.parse({ fields: 'id,storage_key,created_at,artwork_modified_at', limit: '50', cursor: 'eyJpZCI6OX0' }),
    ).toEqual({ fields: ['id', 'storage_key', 'created_at', 'artwork_modified_at'], limit: 50, cursor: 'eyJpZCI6OX0' });
  });

  it('defaults to every field and limit 50, ignores unknown fields, bounds the limit', () => {
    const q = promotedFeedQuerySchema.parse({});
    expect(q.limit).toBe(50);
    expect(q.fields).toContain('storage_shard');
    expect(promotedFeedQuerySchema.parse({ fields: 'storage_key,password' }).fields).toEqual(['id', 'storage_key']);
    expect(promotedFeedQuerySchema.safeParse({ limit: '51' }).success).toBe(false);
    expect(promotedFeedQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });

  it('answers items + next_cursor with a URL-safe cursor', () => {
    const body = { items: [{ id: 7, storage_key: STORAGE_KEY, created_at: '2025-12-22T16:24:15Z' }], next_cursor: 'eyJpZCI6N30' };
    expect(promotedFeedResponseSchema.safeParse(body).success).toBe(true);
    expect(promotedFeedResponseSchema.safeParse({ ...body, next_cursor: null }).success).toBe(true);
    expect(promotedFeedResponseSchema.safeParse({ ...body, next_cursor: 'a+b/c=' }).success).toBe(false);
  });
});
