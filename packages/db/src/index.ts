export * from './schema/index.ts';
export { createDb, openConnections, type CreateDbOptions, type Database, type DbOrTx, type DbHandle, type Schema } from './client.ts';
export { checkViolation, PG_CHECK_VIOLATION, PG_UNIQUE_VIOLATION, uniqueViolation, violatedConstraint } from './errors.ts';
export { migrateDb, MIGRATIONS_FOLDER } from './migrate.ts';
export { LIMIT_BUCKETS, type LimitBucket, limitBucket, literalLimit, preparedPerDb } from './prepared.ts';
