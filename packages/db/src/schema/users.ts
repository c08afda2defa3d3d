import { MONITORED_HASHTAGS } from '@makapix/protocol';
import { sql } from 'drizzle-orm';
import { type AnyPgColumn, boolean, check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { userRole } from './enums.ts';

// docs/product.md §1: the hashtags a member may opt in to; everyone else never sees posts carrying them.
// The list is the HTTP contract's (@makapix/protocol http/users.ts).
export { MONITORED_HASHTAGS };

export const users = pgTable(
  'users',
  {
    id: idColumn(),
    email: text('email').notNull(),
    handle: text('handle').notNull(),
    // docs/product.md §1: handles are unique ignoring case and look-alike characters; the app lower-cases and
    // folds look-alikes into this column, the unique index enforces it.
    handleCanonical: text('handle_canonical').notNull(),
    bio: text('bio'),
    avatarUrl: text('avatar_url'),
    role: userRole('role').notNull().default('member'),
    // docs/product.md §1: trusted members' posts skip the approval queue.
    trusted: boolean('trusted').notNull().default(false),
    reputation: integer('reputation').notNull().default(0),
    emailVerifiedAt: tstz('email_verified_at'),
    hiddenAt: tstz('hidden_at'),
    // Null = not banned; a past instant = ban over; PERMANENT_BAN_UNTIL = permanent.
    bannedUntil: tstz('banned_until'),
    banReason: text('ban_reason'),
    deactivatedAt: tstz('deactivated_at'),
    deletedAt: tstz('deleted_at'),
    monitoredHashtags: text('monitored_hashtags').array().notNull().default(sql`'{}'::text[]`),
    // docs/product.md §6 send-email: the daily notifications digest, on unless the member turns it off.
    emailDigest: boolean('email_digest').notNull().default(true),
    createdAt: createdAtColumn(),
  },
  (t) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_handle_canonical_key').on(t.handleCanonical),
    index('users_handle_canonical_trgm_idx').using('gin', t.handleCanonical.op('gin_trgm_ops')),
    check('users_handle_length', sql`char_length(${t.handle}) between 3 and 32`),
    check('users_handle_canonical_length', sql`char_length(${t.handleCanonical}) between 3 and 32`),
    check(
      'users_monitored_hashtags_known',
      sql`${t.monitoredHashtags} <@ array[${sql.raw(MONITORED_HASHTAGS.map((h) => `'${h}'`).join(', '))}]::text[]`,
    ),
  ],
);

// docs/product.md §3: slow-KDF hash (scrypt) as one self-describing string; one row per member.
export const passwordCredentials = pgTable('password_credentials', {
  userId: refColumn('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  passwordHash: text('password_hash').notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

// docs/product.md §3: emailed links carry a random token; only its SHA-256 (hex) is stored.
export const emailVerificationTokens = pgTable(
  'email_verification_tokens',
  {
    id: idColumn(),
    userId: refColumn('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [index('email_verification_tokens_user_idx').on(t.userId), index('email_verification_tokens_expires_idx').on(t.expiresAt)],
);

export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    id: idColumn(),
    userId: refColumn('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [index('password_reset_tokens_user_idx').on(t.userId), index('password_reset_tokens_expires_idx').on(t.expiresAt)],
);

// docs/product.md §3: rotated on every use; presenting an already-rotated token revokes its whole family.
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: idColumn(),
    userId: refColumn('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    familyId: uuid('family_id').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    rotatedAt: tstz('rotated_at'),
    replacedById: refColumn('replaced_by_id').references((): AnyPgColumn => refreshTokens.id, { onDelete: 'set null' }),
    revokedAt: tstz('revoked_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    index('refresh_tokens_family_idx').on(t.familyId),
    index('refresh_tokens_user_idx').on(t.userId),
    index('refresh_tokens_expires_idx').on(t.expiresAt),
  ],
);
