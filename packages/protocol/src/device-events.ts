import { z } from 'zod';
import { opaqueText, text } from './text.ts';
import type { PlayerKey } from './identity.ts';

/** docs/device-protocol.md §4 `status`: what a player reports (and the server stores) about its connection. */
export const PLAYER_STATUSES = ['online', 'offline'] as const;
/** docs/device-protocol.md §4 `command/ack` statuses. */
export const COMMAND_ACK_STATUSES = ['ok', 'error', 'unsupported'] as const;
/** docs/device-protocol.md §7 view intents: one artwork shown on its own, or within a channel. */
export const VIEW_INTENTS = ['artwork', 'channel'] as const;

// Device → server events (docs/device-protocol.md §3, §4, §7). Parsing is lenient where firmwares differ: extra
// keys are stripped, and only the fields a handler cannot work without are required.

/**
 * `…/status`. Required: `status`. Optional: `player_key` (the server trusts the topic key, never
 * the body, docs/device-protocol.md §4), `firmware_version`, `timestamp` (kept as sent: liveness is judged by
 * the server clock, so a device with an odd clock format must not be marked offline), `live_mode`
 * (p3a extra). `current_post_id` ≤ 0 or absent means "nothing shown" and becomes null.
 */
export const statusSchema = z.object({
  player_key: opaqueText().optional(),
  status: z.enum(PLAYER_STATUSES),
  current_post_id: z
    .int()
    .nullish()
    .transform((id) => (id !== undefined && id !== null && id > 0 ? id : null)),
  firmware_version: text({ max: 64 }).optional(),
  timestamp: text({ max: 64 }).optional(),
  live_mode: z.boolean().optional(),
});
export type StatusEvent = z.infer<typeof statusSchema>;
export type StatusEventInput = z.input<typeof statusSchema>;

/** docs/device-protocol.md §3: the last will, exactly as the firmware registers it (QoS 1, not retained). */
export const lastWillSchema = z.object({ player_key: opaqueText(), status: z.literal('offline') });
export function lastWillPayload(key: PlayerKey): string {
  return JSON.stringify({ player_key: key, status: 'offline' });
}

/** `…/command/ack`. `command_id` is not forced to be a UUID: other players echo what they got. */
export const commandAckSchema = z.object({
  command_id: opaqueText({ min: 1 }),
  status: z.enum(COMMAND_ACK_STATUSES),
  error: text().nullish().transform((e) => e ?? null),
});
export type CommandAck = z.infer<typeof commandAckSchema>;

export const PLAY_ORDERS = [0, 1, 2] as const;

/**
 * `…/view` (docs/device-protocol.md §7). Required: `post_id`, `timestamp` (ISO-8601; it is part of the
 * duplicate key), `intent`, `player_key` (must equal the topic key). Optional, because firmwares
 * omit them: `timezone` (reserved, sent as ""), `play_order`, `channel` (free text: p3a also reports
 * sdcard/giphy/pinned…), `channel_user_sqid`, `channel_hashtag` (omitted or null when not relevant),
 * `request_ack` (default false).
 */
export const viewEventSchema = z.object({
  post_id: z.int().positive(),
  timestamp: z.iso.datetime({ offset: true }),
  timezone: text({ max: 64 }).optional(),
  intent: z.enum(VIEW_INTENTS),
  play_order: z.literal(PLAY_ORDERS).optional(),
  channel: text({ max: 64 }).optional(),
  player_key: opaqueText(),
  channel_user_sqid: text({ max: 64 }).nullish(),
  channel_hashtag: text({ max: 128 }).nullish(),
  request_ack: z.boolean().default(false),
});
export type ViewEvent = z.infer<typeof viewEventSchema>;
export type ViewEventInput = z.input<typeof viewEventSchema>;

/** `POST /api/player/events/view`: same body, identity from the bearer token, no ack topic. */
export const httpViewEventSchema = viewEventSchema.omit({ player_key: true, request_ack: true });
export type HttpViewEvent = z.infer<typeof httpViewEventSchema>;

export const VIEW_ACK_ERROR_CODES = [
  'invalid_request',
  'player_key_mismatch',
  'authentication_failed',
  'rate_limited',
  'not_found',
  'internal_error',
] as const;

/** `…/view/ack`, sent only when the view asked for it. */
export const viewAckSchema = z.object({
  success: z.boolean(),
  deduplicated: z.boolean().optional(),
  error: text().optional(),
  error_code: z.enum(VIEW_ACK_ERROR_CODES).optional(),
});
export type ViewAck = z.infer<typeof viewAckSchema>;

/** `…/capabilities` (retained). Each feature is optional; unknown features are dropped. */
export const capabilitiesSchema = z.object({
  firmware_version: text({ max: 64 }).optional(),
  features: z
    .object({
      pause: z.object({}).optional(),
      brightness: z
        .object({ min: z.int(), max: z.int(), step: z.int().positive().optional() })
        .refine((b) => b.min <= b.max, { error: 'brightness.min must not exceed brightness.max' })
        .optional(),
      rotation: z.object({ values: z.array(z.int()).min(1) }).optional(),
      mirror: z.object({ values: z.array(text({ min: 1 })).min(1) }).optional(),
    })
    .default({}),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;
export type CapabilityFeature = keyof Capabilities['features'];

/** `…/state` (retained), full or partial. */
export const stateSchema = z.object({
  is_paused: z.boolean().optional(),
  brightness: z.int().optional(),
  rotation: z.int().optional(),
  mirror: text().optional(),
});
export type PlayerState = z.infer<typeof stateSchema>;

/**
 * docs/device-protocol.md §6: state is stored only for advertised features and only with in-range values.
 * Returns the subset of `state` that passes.
 */
export function filterStateByCapabilities(state: PlayerState, capabilities: Capabilities | null | undefined): PlayerState {
  const f = capabilities?.features ?? {};
  const out: PlayerState = {};
  if (state.is_paused !== undefined && f.pause) out.is_paused = state.is_paused;
  if (state.brightness !== undefined && f.brightness) {
    if (state.brightness >= f.brightness.min && state.brightness <= f.brightness.max) out.brightness = state.brightness;
  }
  if (state.rotation !== undefined && f.rotation?.values.includes(state.rotation)) out.rotation = state.rotation;
  if (state.mirror !== undefined && f.mirror?.values.includes(state.mirror)) out.mirror = state.mirror;
  return out;
}
