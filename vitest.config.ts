import { defineConfig } from 'vitest/config';

// One run for the whole monorepo: the real services start once (global setup) and every package's
// tests share them, each integration test file in its own database.
export default defineConfig({
  test: {
    include: ['**/src/**/*.test.ts', 'web/lib/**/*.test.ts', '**/test/**/*.test.ts', 'e2e/**/*.test.ts', 'web/e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.data/**'],
    globalSetup: ['packages/devstack/src/vitest/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
