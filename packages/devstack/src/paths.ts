import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives at packages/devstack/src/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Everything the dev stack and the tests keep on disk lives under `.data/` (git-ignored). */
export const dataRoot = path.join(repoRoot, '.data');
export const devDataDir = path.join(dataRoot, 'dev');
export const testDataDir = path.join(dataRoot, 'test');
