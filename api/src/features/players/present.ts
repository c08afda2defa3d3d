import { capabilitiesSchema, type PlayerEvent, stateSchema } from '@makapix/protocol';
import { z } from 'zod';
import type { PlayerRow } from './repo.ts';

// The player as its owner sees it under /api/v1 (SPEC.md §3 camelCase; SPEC.md §1 "see live status:
// online, current artwork, firmware, certificate expiry"). The player id is its `player_key`.

/** PROTOCOL.md §4: offline after an LWT / graceful offline, or when no status arrived for 3 minutes. */
export const STATUS_STALE_AFTER_MS = 3 * 60 * 1000;

export interface PublicIds {
  encode(id: number): string;
}

export const ownerCapabilitiesSchema = z.object({
  features: z.object({
    pause: z.object({}).optional(),
    brightness: z.object({ min: z.number().int(), max: z.number().int(), step: z.number().int().optional() }).optional(),
    rotation: z.object({ values: z.array(z.number().int()) }).optional(),
    mirror: z.object({ values: z.array(z.string()) }).optional(),
  }),
});
export type OwnerCapabilities = z.infer<typeof ownerCapabilitiesSchema>;

export const ownerStateSchema = z.object({
  isPaused: z.boolean().optional(),
  brightness: z.number().int().optional(),
  rotation: z.number().int().optional(),
  mirror: z.string().optional(),
});
export type OwnerState = z.infer<typeof ownerStateSchema>;

export const ownerPlayerSchema = z.object({
  id: z.string().describe('The player key (lower-case UUID)'),
  name: z.string(),
  deviceModel: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  status: z.enum(['online', 'offline']),
  lastSeenAt: z.string().nullable(),
  currentPostId: z.string().nullable().describe('Public id of the artwork on screen'),
  certificate: z
    .object({ serial: z.string(), expiresAt: z.string(), renewalPending: z.boolean() })
    .nullable(),
  capabilities: ownerCapabilitiesSchema.nullable(),
  state: ownerStateSchema.nullable(),
  registeredAt: z.string(),
  createdAt: z.string(),
});
export type OwnerPlayer = z.infer<typeof ownerPlayerSchema>;

export function presentCapabilities(raw: unknown): OwnerCapabilities | null {
  const parsed = capabilitiesSchema.safeParse(raw);
  return parsed.success ? { features: parsed.data.features } : null;
}

export function presentState(raw: unknown): OwnerState | null {
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) return null;
  const s = parsed.data;
  return {
    ...(s.is_paused !== undefined && { isPaused: s.is_paused }),
    ...(s.brightness !== undefined && { brightness: s.brightness }),
    ...(s.rotation !== undefined && { rotation: s.rotation }),
    ...(s.mirror !== undefined && { mirror: s.mirror }),
  };
}

/** Online only while heartbeats keep arriving, whatever the stored status says. */
export function liveStatus(row: Pick<PlayerRow, 'status' | 'lastSeenAt'>, now: Date = new Date()): 'online' | 'offline' {
  if (row.status !== 'online' || !row.lastSeenAt) return 'offline';
  return now.getTime() - row.lastSeenAt.getTime() < STATUS_STALE_AFTER_MS ? 'online' : 'offline';
}

export function presentPlayer(row: PlayerRow, ids: PublicIds, now: Date = new Date()): OwnerPlayer {
  return {
    id: row.playerKey,
    name: row.name ?? '',
    deviceModel: row.deviceModel,
    firmwareVersion: row.firmwareVersion,
    status: liveStatus(row, now),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    currentPostId: row.currentPostId === null ? null : ids.encode(row.currentPostId),
    certificate:
      row.certSerial && row.certNotAfter
        ? { serial: row.certSerial, expiresAt: row.certNotAfter.toISOString(), renewalPending: row.pendingCertSerial !== null }
        : null,
    capabilities: row.capabilities ? presentCapabilities(row.capabilities) : null,
    state: row.state ? presentState(row.state) : null,
    registeredAt: (row.registeredAt ?? row.createdAt).toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/** An SSE event (`GET /api/v1/players/events`): the channel message with public ids and owner shapes. */
export const ownerPlayerEventSchema = z.object({
  playerId: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export function presentPlayerEvent(event: PlayerEvent, ids: PublicIds): { type: PlayerEvent['type']; body: z.infer<typeof ownerPlayerEventSchema> } {
  const base = { playerId: event.playerKey, at: event.at };
  switch (event.type) {
    case 'status':
      return {
        type: event.type,
        body: {
          ...base,
          data: {
            status: event.data.status,
            currentPostId: event.data.currentPostId === null ? null : ids.encode(event.data.currentPostId),
            firmwareVersion: event.data.firmwareVersion,
            lastSeenAt: event.data.lastSeenAt,
          },
        },
      };
    case 'capabilities':
      return { type: event.type, body: { ...base, data: { features: event.data.features } } };
    case 'state':
      return { type: event.type, body: { ...base, data: presentState(event.data) ?? {} } };
    case 'command_ack':
      return { type: event.type, body: { ...base, data: { ...event.data } } };
  }
}

