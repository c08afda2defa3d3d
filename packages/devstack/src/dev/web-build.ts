import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../paths.ts';

/**
 * `npm start` serves the web's production build (issue 10): built on first start and whenever its
 * sources change. Each build goes to its own directory named by the hash of its sources
 * (`web/.next-builds/<hash>`, via MAKAPIX_WEB_DIST_DIR in next.config.ts), so a second stack from
 * the same checkout (the browser tests, a benchmark) never rebuilds under a running server; `web/.next`
 * is a link to the newest build for plain `next start`.
 */
const WEB_DIR = path.join(repoRoot, 'web');
const BUILDS = '.next-builds';
const KEEP_BUILDS = 3;
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

/** The build directory of these sources, relative to web/ (what MAKAPIX_WEB_DIST_DIR names). */
export function webDistDir(hash: string): string {
  return `${BUILDS}/${hash.slice(0, 16)}`;
}

/** True when these exact sources were built already. */
export function webBuildIsCurrent(hash: string): boolean {
  return existsSync(path.join(WEB_DIR, webDistDir(hash), 'BUILD_ID'));
}

/** Points web/.next at this build and keeps only the newest few builds. */
export async function recordWebBuild(hash: string): Promise<void> {
  const link = path.join(WEB_DIR, '.next');
  const info = await lstat(link).catch(() => null);
  if (info && !info.isSymbolicLink()) await rm(link, { recursive: true, force: true });
  const tmp = `${link}.${process.pid}`;
  await symlink(webDistDir(hash), tmp);
  await rename(tmp, link);
  const root = path.join(WEB_DIR, BUILDS);
  const builds = await Promise.all((await readdir(root)).map(async (name) => ({ name, mtime: (await stat(path.join(root, name))).mtimeMs })));
  builds.sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP_BUILDS)) if (old.name !== hash.slice(0, 16)) await rm(path.join(root, old.name), { recursive: true, force: true });
}

/** The Next CLI run directly by node (no npm wrapper between the process group and the server). */
export const NEXT_BIN = path.join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
