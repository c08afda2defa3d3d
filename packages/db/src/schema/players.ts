import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { commandAckStatus, commandType, playerStatus } from './enums.ts';
import { posts } from './posts.ts';
import { users } from './users.ts';

// docs/device-protocol.md §2: 6 characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789, stored upper-case.
export const REGISTRATION_CODE_PATTERN = '^[A-HJKMNP-Z2-9]{6}$';

/**
 * A physical or simulated player (docs/device-protocol.md §1–§4). Unowned between `provision` and `register`.
 * Certificate columns describe the active client certificate; `pending_cert_*` holds a renewed one
 * until the device first connects with it, when the old serial is revoked (docs/device-protocol.md §2.4).
 */
export const players = pgTable(
  'players',
  {
    id: idColumn(),
    playerKey: uuid('player_key').notNull().unique(),
    ownerId: refColumn('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name'),
    deviceModel: text('device_model'),
    firmwareVersion: text('firmware_version'),
    registrationCode: text('registration_code'),
    registrationCodeExpiresAt: tstz('registration_code_expires_at'),
    registeredAt: tstz('registered_at'),
    // docs/device-protocol.md §2.3: `api_token` is handed out only on the first successful credentials fetch.
    credentialsDeliveredAt: tstz('credentials_delivered_at'),
    certSerial: text('cert_serial'),
    certNotAfter: tstz('cert_not_after'),
    certPem: text('cert_pem'),
    // docs/device-protocol.md §2.3 (ours): the device key is stored only encrypted at rest, and only until the
    // device has connected with its certificate (api features/players/credentials.ts).
    encryptedKeyPem: text('encrypted_key_pem'),
    pendingCertSerial: text('pending_cert_serial'),
    pendingCertNotAfter: tstz('pending_cert_not_after'),
    pendingCertPem: text('pending_cert_pem'),
    status: playerStatus('status').notNull().default('offline'),
    lastSeenAt: tstz('last_seen_at'),
    currentPostId: refColumn('current_post_id').references(() => posts.id, { onDelete: 'set null' }),
    capabilities: jsonb('capabilities').$type<Record<string, unknown>>(),
    state: jsonb('state').$type<Record<string, unknown>>(),
    deletedAt: tstz('deleted_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    // docs/device-protocol.md §2.1: unique among pending codes; the app clears the code on registration and
    // the cleanup job clears expired ones, so a code can be reused later.
    uniqueIndex('players_pending_registration_code_key')
      .on(t.registrationCode)
      .where(sql`${t.registrationCode} is not null and ${t.registeredAt} is null and ${t.deletedAt} is null`),
    uniqueIndex('players_cert_serial_key').on(t.certSerial).where(sql`${t.certSerial} is not null`),
    uniqueIndex('players_pending_cert_serial_key').on(t.pendingCertSerial).where(sql`${t.pendingCertSerial} is not null`),
    index('players_owner_idx').on(t.ownerId).where(sql`${t.deletedAt} is null`),
    // docs/product.md §6 mark-stale-players-offline scans online players by last status.
    index('players_online_last_seen_idx').on(t.lastSeenAt).where(sql`${t.status} = 'online'`),
    index('players_registration_expires_idx')
      .on(t.registrationCodeExpiresAt)
      .where(sql`${t.registeredAt} is null`),
    check('players_registration_code_format', sql`${t.registrationCode} ~ ${sql.raw(`'${REGISTRATION_CODE_PATTERN}'`)}`),
    check('players_registered_has_owner', sql`${t.registeredAt} is null or ${t.ownerId} is not null`),
    check('players_name_length', sql`${t.name} is null or char_length(${t.name}) between 1 and 100`),
  ],
);

// docs/device-protocol.md §2.5–2.6: `mpx_live_…` tokens stored as SHA-256 (hex); one active token per player.
export const playerTokens = pgTable(
  'player_tokens',
  {
    id: idColumn(),
    playerId: refColumn('player_id')
      .notNull()
      .references(() => players.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAtColumn(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [uniqueIndex('player_tokens_one_active_key').on(t.playerId).where(sql`${t.revokedAt} is null`)],
);

// docs/device-protocol.md §6: every command is logged per player with its ack when one arrives.
export const playerCommands = pgTable(
  'player_commands',
  {
    id: idColumn(),
    commandId: uuid('command_id').notNull().unique(),
    playerId: refColumn('player_id')
      .notNull()
      .references(() => players.id, { onDelete: 'cascade' }),
    issuedById: refColumn('issued_by_id').references(() => users.id, { onDelete: 'set null' }),
    commandType: commandType('command_type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    sentAt: tstz('sent_at').notNull().defaultNow(),
    ackStatus: commandAckStatus('ack_status'),
    ackError: text('ack_error'),
    ackedAt: tstz('acked_at'),
  },
  (t) => [index('player_commands_player_idx').on(t.playerId, t.sentAt)],
);
