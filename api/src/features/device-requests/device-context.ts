import type { FastifyInstance } from 'fastify';
import type { Viewer } from '../../domain/visibility.ts';
import { type DeviceRow, findPlayerWithOwner } from './repo.ts';

/** Who a device acts for: its player row and its owner, with the owner's visibility Viewer. */
export interface DeviceContext {
  playerId: number;
  playerKey: string;
  owner: { id: number; handle: string };
  viewer: Viewer;
}

/**
 * docs/device-protocol.md §5 "Every request first checks": the player is registered (and not deleted), has an
 * owner, and the owner is not banned, deactivated or deleted. Null otherwise (→ authentication_failed).
 * The same check gates views (§7). Pure, so the inbox can build it from the row it already read.
 */
export function deviceContextOf(found: DeviceRow | null, now = new Date()): DeviceContext | null {
  if (!found) return null;
  const { player, owner } = found;
  if (player.registeredAt === null || player.deletedAt !== null || owner === null) return null;
  if (owner.deletedAt !== null || owner.deactivatedAt !== null) return null;
  if (owner.bannedUntil !== null && owner.bannedUntil > now) return null;
  return {
    playerId: player.id,
    playerKey: player.playerKey,
    owner: { id: owner.id, handle: owner.handle },
    // A player is a display, not a moderation tool: it never shows what only moderators may see, so
    // the owner's moderator role is not carried over (players follow the owner's opt-ins, §5).
    viewer: { userId: owner.id, isModerator: false, monitoredOptIns: [...owner.monitoredHashtags] },
  };
}

/** One query: the player, its owner and the owner's opt-ins (domain/viewer.ts reads the same). */
export async function loadDeviceContext(app: FastifyInstance, playerKey: string): Promise<DeviceContext | null> {
  return deviceContextOf(await findPlayerWithOwner(app.db, playerKey));
}
