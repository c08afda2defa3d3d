import { type Database, playerCommands, players, posts } from '@makapix/db';
import type { Capabilities, PlayerState } from '@makapix/protocol';
import { and, eq, isNull, sql } from 'drizzle-orm';

export interface InboxPlayer {
  id: number;
  ownerId: number | null;
  registeredAt: Date | null;
  pendingCertSerial: string | null;
  capabilities: Record<string, unknown> | null;
  state: Record<string, unknown> | null;
}

/** The (not deleted) player a topic key names. */
export async function findInboxPlayer(db: Database, playerKey: string): Promise<InboxPlayer | null> {
  const [row] = await db
    .select({
      id: players.id,
      ownerId: players.ownerId,
      registeredAt: players.registeredAt,
      pendingCertSerial: players.pendingCertSerial,
      capabilities: players.capabilities,
      state: players.state,
    })
    .from(players)
    .where(and(eq(players.playerKey, playerKey), isNull(players.deletedAt)))
    .limit(1);
  return row ?? null;
}

export interface PresenceRow {
  status: 'online' | 'offline';
  currentPostId: number | null;
  firmwareVersion: string | null;
  lastSeenAt: Date | null;
}

const presenceColumns = {
  status: players.status,
  currentPostId: players.currentPostId,
  firmwareVersion: players.firmwareVersion,
  lastSeenAt: players.lastSeenAt,
};

/**
 * docs/device-protocol.md §4 status: online stores what the device shows and its firmware; offline keeps the
 * last known values. A `current_post_id` that names no post is stored as null (the column is a
 * foreign key, and a device may report an artwork that was since purged).
 */
export async function updatePresence(
  db: Database,
  playerId: number,
  update: { status: 'online'; currentPostId: number | null; firmwareVersion: string | undefined } | { status: 'offline' },
): Promise<PresenceRow | null> {
  const set =
    update.status === 'online'
      ? {
          status: 'online' as const,
          lastSeenAt: sql`now()`,
          currentPostId: update.currentPostId === null ? null : sql`(select ${posts.id} from ${posts} where ${posts.id} = ${update.currentPostId})`,
          ...(update.firmwareVersion === undefined ? {} : { firmwareVersion: update.firmwareVersion }),
        }
      : { status: 'offline' as const, lastSeenAt: sql`now()` };
  const [row] = await db.update(players).set(set).where(eq(players.id, playerId)).returning(presenceColumns);
  return row ?? null;
}

/** Stores validated capabilities and the state re-filtered against them (docs/device-protocol.md §6). */
export async function saveCapabilities(
  db: Database,
  playerId: number,
  capabilities: Capabilities,
  state: PlayerState,
): Promise<void> {
  await db
    .update(players)
    .set({
      capabilities: capabilities as Record<string, unknown>,
      state: state as Record<string, unknown>,
      ...(capabilities.firmware_version === undefined ? {} : { firmwareVersion: capabilities.firmware_version }),
    })
    .where(eq(players.id, playerId));
}

export async function saveState(db: Database, playerId: number, state: PlayerState): Promise<void> {
  await db.update(players).set({ state: state as Record<string, unknown> }).where(eq(players.id, playerId));
}

/** docs/device-protocol.md §6: the ack of a command logged for this player (and only this player). */
export async function recordCommandAck(
  db: Database,
  playerId: number,
  ack: { commandId: string; status: 'ok' | 'error' | 'unsupported'; error: string | null },
): Promise<{ commandId: string; ackStatus: 'ok' | 'error' | 'unsupported'; ackError: string | null; ackedAt: Date } | null> {
  const [row] = await db
    .update(playerCommands)
    .set({ ackStatus: ack.status, ackError: ack.error, ackedAt: sql`now()` })
    .where(and(eq(playerCommands.commandId, ack.commandId), eq(playerCommands.playerId, playerId)))
    .returning({
      commandId: playerCommands.commandId,
      ackStatus: playerCommands.ackStatus,
      ackError: playerCommands.ackError,
      ackedAt: playerCommands.ackedAt,
    });
  if (!row || row.ackStatus === null || row.ackedAt === null) return null;
  return { commandId: row.commandId, ackStatus: row.ackStatus, ackError: row.ackError, ackedAt: row.ackedAt };
}
