import { bigint, index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { players } from './players.ts';

/** docs/device-protocol.md §1–§2.7: serials refused at CONNECT and listed in the CRL. */
export const revokedCertificates = pgTable(
  'revoked_certificates',
  {
    id: idColumn(),
    serial: text('serial').notNull().unique(),
    playerId: refColumn('player_id').references(() => players.id, { onDelete: 'set null' }),
    revokedAt: tstz('revoked_at').notNull().defaultNow(),
    reason: text('reason').notNull(),
  },
  (t) => [index('revoked_certificates_player_idx').on(t.playerId)],
);

/**
 * docs/device-protocol.md §2.7: every signed CRL, numbered monotonically; the highest number is current. The
 * broker reloads it without restart, renew-crl (docs/product.md §6) re-signs when ≤7 days remain.
 */
export const certificateRevocationLists = pgTable(
  'certificate_revocation_lists',
  {
    id: idColumn(),
    crlNumber: bigint('crl_number', { mode: 'number' }).notNull().unique(),
    crlPem: text('crl_pem').notNull(),
    thisUpdate: tstz('this_update').notNull(),
    nextUpdate: tstz('next_update').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [index('certificate_revocation_lists_next_update_idx').on(t.nextUpdate)],
);
