import type { FastifyInstance } from 'fastify';
import type { Viewer } from '../posts/visibility.ts';
import { viewerForUser } from '../users/viewer.ts';
import { findPlayerWithOwner } from './repo.ts';

/** Who a device acts for: its player row and its owner, with the owner's visibility Viewer. */
export interface DeviceContext {
  playerId: number;
  playerKey: string;
  owner: { id: number; handle: string };
  viewer: Viewer;
}

/**
 * PROTOCOL.md §5 "Every request first checks": the player is registered (and not deleted), has an
 * owner, and the owner is not banned, deactivated or deleted. Null otherwise (→ authentication_failed).
 * The same check gates views (§7).
 */
export async function loadDeviceContext(app: FastifyInstance, playerKey: string): Promise<DeviceContext | null> {
  const found = await findPlayerWithOwner(app.db, playerKey);
  if (!found) return null;
  const { player, owner } = found;
  if (player.registeredAt === null || player.deletedAt !== null || owner === null) return null;
  if (owner.deletedAt !== null || owner.deactivatedAt !== null) return null;
  if (owner.bannedUntil !== null && owner.bannedUntil > new Date()) return null;
  const viewer = await viewerForUser(app.db, owner.id);
  // A player is a display, not a moderation tool: it never shows what only moderators may see, so
  // the owner's moderator role is not carried over (players follow the owner's opt-ins, §5).
  return {
    playerId: player.id,
    playerKey: player.playerKey,
    owner: { id: owner.id, handle: owner.handle },
    viewer: { ...viewer, isModerator: false },
  };
}
