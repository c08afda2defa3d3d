import { createDb, type DbHandle, literalLimit, players, revokedCertificates, users } from '@makapix/db';
import { normalizeSerial } from '@makapix/pki';
import { eq, sql } from 'drizzle-orm';

export type AccessDenial =
  | 'player_not_found'
  | 'player_deleted'
  | 'no_owner'
  | 'owner_banned'
  | 'owner_deleted'
  | 'owner_deactivated'
  | 'certificate_revoked'
  | 'unknown_certificate';

export type AccessDecision = { allowed: true } | { allowed: false; reason: AccessDenial };

/** The one row the CONNECT decision needs, as read from PostgreSQL. */
export interface PlayerAccessRow {
  playerDeleted: boolean;
  ownerId: number | null;
  ownerFound: boolean;
  ownerBanned: boolean;
  ownerDeleted: boolean;
  ownerDeactivated: boolean;
  serialRevoked: boolean;
  certSerial: string | null;
  pendingCertSerial: string | null;
}

function sameSerial(stored: string | null, presented: string): boolean {
  if (stored === null) return false;
  try {
    return normalizeSerial(stored) === presented;
  } catch {
    return false;
  }
}

/**
 * docs/device-protocol.md §1: refuse at CONNECT a certificate whose player is missing or deleted, whose owner is
 * missing, banned, deactivated or deleted, or whose serial is revoked. (ours) The serial must also be
 * the player's current certificate or its pending renewal (docs/device-protocol.md §2.4): a superseded or
 * re-issued certificate that was never revoked still cannot connect.
 */
export function decideAccess(row: PlayerAccessRow | undefined, serial: string): AccessDecision {
  if (!row) return { allowed: false, reason: 'player_not_found' };
  if (row.playerDeleted) return { allowed: false, reason: 'player_deleted' };
  if (row.serialRevoked) return { allowed: false, reason: 'certificate_revoked' };
  if (row.ownerId === null || !row.ownerFound) return { allowed: false, reason: 'no_owner' };
  if (row.ownerDeleted) return { allowed: false, reason: 'owner_deleted' };
  if (row.ownerDeactivated) return { allowed: false, reason: 'owner_deactivated' };
  if (row.ownerBanned) return { allowed: false, reason: 'owner_banned' };
  if (!sameSerial(row.certSerial, serial) && !sameSerial(row.pendingCertSerial, serial)) {
    return { allowed: false, reason: 'unknown_certificate' };
  }
  return { allowed: true };
}

// A named prepared statement (exported for test/access-plan.int.test.ts): every CONNECT runs the same query, so PostgreSQL parses and plans it
// once per pooled connection and drizzle builds it once, not on each of thousands of connects.
// A primary-key-like lookup: its generic plan is the custom plan, so PostgreSQL keeps it.
export const prepareAccessQuery = (handle: DbHandle) =>
  handle.db
    .select({
      playerDeleted: sql<boolean>`${players.deletedAt} is not null`,
      ownerId: players.ownerId,
      ownerFound: sql<boolean>`${users.id} is not null`,
      // The database clock decides, like every other ban check in the platform.
      ownerBanned: sql<boolean>`coalesce(${users.bannedUntil} > now(), false)`,
      ownerDeleted: sql<boolean>`${users.deletedAt} is not null`,
      ownerDeactivated: sql<boolean>`${users.deactivatedAt} is not null`,
      serialRevoked: sql<boolean>`exists (select 1 from ${revokedCertificates} where ${revokedCertificates.serial} = ${sql.placeholder('serial')})`,
      certSerial: players.certSerial,
      pendingCertSerial: players.pendingCertSerial,
    })
    .from(players)
    .leftJoin(users, eq(users.id, players.ownerId))
    .where(eq(players.playerKey, sql.placeholder('playerKey')))
    // A literal, not a parameter, so the plan PostgreSQL keeps after five runs is a generic one
    // (@makapix/db prepared.ts; test/access.int.test.ts checks pg_prepared_statements).
    .limit(literalLimit(1))
    .prepare('broker_player_access');

/**
 * Every database query the broker makes, read-only: the session itself is opened with
 * `default_transaction_read_only=on`, so a bug here cannot write.
 */
export class PlayerAccess {
  private readonly accessQuery;

  private constructor(private readonly handle: DbHandle) {
    this.accessQuery = prepareAccessQuery(handle);
  }

  static open(databaseUrl: string, poolMax: number): PlayerAccess {
    const url = new URL(databaseUrl);
    url.searchParams.set('options', '-c default_transaction_read_only=on');
    return new PlayerAccess(createDb(url.toString(), { max: poolMax }));
  }

  /** Fails fast at start-up when the database is unreachable. */
  async ping(): Promise<void> {
    await this.handle.db.execute(sql`select 1`);
  }

  async readRow(playerKey: string, serial: string): Promise<PlayerAccessRow | undefined> {
    const rows = await this.accessQuery.execute({ playerKey, serial });
    return rows[0];
  }

  async check(playerKey: string, serial: string): Promise<AccessDecision> {
    return decideAccess(await this.readRow(playerKey, serial), serial);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
