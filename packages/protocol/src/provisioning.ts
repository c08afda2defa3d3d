import { z } from 'zod';
import { opaqueText, text } from './text.ts';
import { NATIVE_FORMATS } from './artwork-object.ts';
import { deviceTokenSchema, playerKeySchema } from './identity.ts';

// docs/device-protocol.md §2: the HTTPS provisioning and credential endpoints, with the paths the firmware
// hard-codes. Bodies are snake_case: these are device-plane routes, not /api/v1.
export const DEVICE_HTTP_PATHS = {
  provision: '/api/player/provision',
  register: '/api/player/register',
  credentials: (key: string) => `/api/player/${key}/credentials`,
  renewCert: '/api/player/renew-cert',
  rotateToken: (key: string) => `/api/player/${key}/token/rotate`,
  rpc: '/api/player/rpc',
  viewEvents: '/api/player/events/view',
  promotedFeed: '/api/feed/promoted',
} as const;

export const REGISTRATION_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const REGISTRATION_CODE_LENGTH = 6;
export const REGISTRATION_CODE_TTL_MS = 15 * 60 * 1000;
export const REGISTRATION_CODE_RE = new RegExp(`^[${REGISTRATION_CODE_ALPHABET}]{${REGISTRATION_CODE_LENGTH}}$`);
export const MAX_PLAYERS_PER_USER = 128;

/** Codes are matched case-insensitively; people also type them with spaces or a dash in the middle. */
const canonicalCodeInput = (input: string): string => input.replace(/[\s-]/g, '').toUpperCase();

/** The canonical upper-case code, or null when it cannot be one. */
export function normalizeRegistrationCode(input: string): string | null {
  const code = canonicalCodeInput(input);
  return REGISTRATION_CODE_RE.test(code) ? code : null;
}

/** 6 characters from the alphabet, uniformly (rejection sampling) and cryptographically random. */
export function generateRegistrationCode(): string {
  const n = REGISTRATION_CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let code = '';
  const bytes = new Uint8Array(16);
  while (code.length < REGISTRATION_CODE_LENGTH) {
    globalThis.crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < limit && code.length < REGISTRATION_CODE_LENGTH) code += REGISTRATION_CODE_ALPHABET[b % n];
    }
  }
  return code;
}

const isoTimestamp = z.iso.datetime({ offset: true });
const brokerSchema = z.object({ host: z.string().min(1), port: z.int().min(1).max(65535) });
const httpsApiSchema = z.object({ base_url: z.url(), auth: z.literal('bearer') });

export const provisionRequestSchema = z.object({
  device_model: text({ trim: true, max: 128 }).optional(),
  firmware_version: text({ trim: true, max: 64 }).optional(),
});
export type ProvisionRequest = z.infer<typeof provisionRequestSchema>;

export const provisionResponseSchema = z.object({
  player_key: playerKeySchema,
  registration_code: z.string().regex(REGISTRATION_CODE_RE),
  registration_code_expires_at: isoTimestamp,
  mqtt_broker: brokerSchema,
  https_api: httpsApiSchema,
});
export type ProvisionResponse = z.infer<typeof provisionResponseSchema>;

/**
 * `POST /api/player/register` (user JWT). The code is normalized, so `abc-def` registers `ABCDEF`.
 * Only the shape is checked here (a string of 6 characters once spaces and dashes are gone, else
 * 400): a code with characters outside the alphabet is simply a code no device was given, so it
 * answers 404 like any unknown code (docs/device-protocol.md §2.2).
 */
export const registerRequestSchema = z.object({
  registration_code: opaqueText({ max: 64 }).transform((c, ctx) => {
    const code = canonicalCodeInput(c);
    if ([...code].length !== REGISTRATION_CODE_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `a registration code has ${REGISTRATION_CODE_LENGTH} characters` });
    }
    return code;
  }),
  name: text({ trim: true, min: 1, max: 100 }),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const credentialsResponseSchema = z.object({
  ca_pem: z.string().includes('BEGIN CERTIFICATE'),
  cert_pem: z.string().includes('BEGIN CERTIFICATE'),
  key_pem: z.string().includes('BEGIN PRIVATE KEY'),
  broker: brokerSchema,
  https_api: httpsApiSchema,
  // Present only on the first successful fetch (docs/device-protocol.md §2.3).
  api_token: deviceTokenSchema.nullable(),
});
export type CredentialsResponse = z.infer<typeof credentialsResponseSchema>;

export const CERT_VALIDITY_DAYS = 1095;
export const CERT_RENEWAL_WINDOW_DAYS = 90;

export const renewCertResponseSchema = z.object({
  cert_pem: z.string().includes('BEGIN CERTIFICATE'),
  key_pem: z.string().includes('BEGIN PRIVATE KEY'),
  ca_pem: z.string().includes('BEGIN CERTIFICATE'),
  cert_expires_at: isoTimestamp,
  message: z.string(),
});
export type RenewCertResponse = z.infer<typeof renewCertResponseSchema>;

export const tokenRotateResponseSchema = z.object({
  api_token: deviceTokenSchema,
  rotated_at: isoTimestamp,
});
export type TokenRotateResponse = z.infer<typeof tokenRotateResponseSchema>;

// docs/device-protocol.md §2: what unregistered devices play. The firmware reads `items[]` and `next_cursor`
// (snake_case: a device route) and pastes the cursor into the next URL without encoding it.
export const PROMOTED_FEED_FIELDS = [
  'id',
  'storage_key',
  'storage_shard',
  'native_format',
  'art_url',
  'created_at',
  'artwork_modified_at',
  'width',
  'height',
  'frame_count',
  'owner_handle',
] as const;
export type PromotedFeedField = (typeof PROMOTED_FEED_FIELDS)[number];
export const PROMOTED_FEED_MAX_LIMIT = 50;

/** Query string of `GET /api/feed/promoted`. Unknown field names are ignored; no `fields` = all. */
export const promotedFeedQuerySchema = z.object({
  fields: opaqueText()
    .optional()
    .transform((raw): PromotedFeedField[] => {
      if (raw === undefined || raw.trim() === '') return [...PROMOTED_FEED_FIELDS];
      const known = new Set<string>(PROMOTED_FEED_FIELDS);
      const picked = raw.split(',').map((f) => f.trim()).filter((f): f is PromotedFeedField => known.has(f));
      return [...new Set<PromotedFeedField>(['id', ...picked])];
    }),
  limit: z.coerce.number().int().min(1).max(PROMOTED_FEED_MAX_LIMIT).default(PROMOTED_FEED_MAX_LIMIT),
  cursor: opaqueText({ min: 1, max: 256 }).optional(),
});
export type PromotedFeedQuery = z.infer<typeof promotedFeedQuerySchema>;

/** Cursors must survive being pasted raw into a query string. */
export const URL_SAFE_CURSOR_RE = /^[A-Za-z0-9_-]{1,256}$/;

export const promotedFeedItemSchema = z.object({
  id: z.int().positive(),
  storage_key: z.uuid().optional(),
  storage_shard: z.string().optional(),
  native_format: z.enum(NATIVE_FORMATS).optional(),
  art_url: z.url().optional(),
  created_at: isoTimestamp.optional(),
  artwork_modified_at: isoTimestamp.optional(),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
  frame_count: z.int().positive().optional(),
  owner_handle: z.string().optional(),
});
export type PromotedFeedItem = z.infer<typeof promotedFeedItemSchema>;

export const promotedFeedResponseSchema = z.object({
  items: z.array(promotedFeedItemSchema),
  next_cursor: z.string().regex(URL_SAFE_CURSOR_RE).nullable(),
});
export type PromotedFeedResponse = z.infer<typeof promotedFeedResponseSchema>;
