import { defineConfig } from 'drizzle-kit';

// Generation needs no database: `npx drizzle-kit generate --name <change>` diffs the schema against
// the committed snapshots in ./drizzle.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
});
