import { capabilitiesSchema, type PlayerEvent, stateSchema } from '@makapix/protocol';
import type { PlayerRow } from './repo.ts';
import { type OwnerCapabilities, type OwnerPlayer, type OwnerPlayerEvent, type OwnerState } from '@makapix/protocol';

// The player as its owner sees it under /api/v1 (docs/product.md §3 camelCase; docs/product.md §1 "see live status:
// online, current artwork, firmware, certificate expiry"). The player id is its `player_key`.

/** docs/device-protocol.md §4: offline after an LWT / graceful offline, or when no status arrived for 3 minutes. */
export const STATUS_STALE_AFTER_MS = 3 * 60 * 1000;

export interface PublicIds {
  encode(id: number): string;
}




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

export function presentPlayerEvent(event: PlayerEvent, ids: PublicIds): { type: PlayerEvent['type']; body: OwnerPlayerEvent } {
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

