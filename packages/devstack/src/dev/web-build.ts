import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../paths.ts';

/**
 * `npm start` serves the web's production build (issue 10): built on first start and whenever its
 * sources change. The hash covers the web's own sources and the workspace packages it compiles in.
 */
const WEB_DIR = path.join(repoRoot, 'web');
const HASH_FILE = path.join(WEB_DIR, '.build-hash');
// web/public is not here: `next start` serves it as it is, without a build.
const SOURCES = ['web/app', 'web/components', 'web/lib', 'packages/protocol/src', 'packages/media/src'];
const FILES = ['web/package.json', 'web/next.config.ts', 'web/tsconfig.json', 'package-lock.json'];

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (!/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

export async function webSourceHash(): Promise<string> {
  const files = [...FILES.map((f) => path.join(repoRoot, f)).filter((f) => existsSync(f))];
  for (const dir of SOURCES) files.push(...(await listFiles(path.join(repoRoot, dir))));
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(repoRoot, file)).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

/** True when the last production build was made from exactly these sources. */
export async function webBuildIsCurrent(hash: string): Promise<boolean> {
  if (!existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID')) || !existsSync(HASH_FILE)) return false;
  return (await readFile(HASH_FILE, 'utf8')).trim() === hash;
}

export async function recordWebBuild(hash: string): Promise<void> {
  await writeFile(HASH_FILE, `${hash}\n`);
}

/** The Next CLI run directly by node (no npm wrapper between the process group and the server). */
export const NEXT_BIN = path.join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
