import { bigint, timestamp } from 'drizzle-orm/pg-core';

/**
 * Shared column builders. Integer keys are `bigint` identities read as JS numbers: public ids are
 * Sqids over them (docs/product.md §3) and the device plane sends `post_id` as a JSON int (docs/device-protocol.md §5),
 * so values stay far below 2^53.
 */
export const idColumn = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();

/** A bigint reference to another table's identity key. */
export const refColumn = (name: string) => bigint(name, { mode: 'number' });

/** Every timestamp is `timestamptz`, read as a JS Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAtColumn = () => tstz('created_at').notNull().defaultNow();

/**
 * `users.banned_until` for a permanent ban. A finite far-future instant rather than PostgreSQL's
 * `infinity`, which node-postgres cannot turn into a valid Date.
 */
export const PERMANENT_BAN_UNTIL = new Date('9999-12-31T23:59:59.000Z');
