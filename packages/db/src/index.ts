export * from './schema/index.ts';
export { createDb, type CreateDbOptions, type Database, type DbHandle, type Schema } from './client.ts';
export { migrateDb, MIGRATIONS_FOLDER } from './migrate.ts';
