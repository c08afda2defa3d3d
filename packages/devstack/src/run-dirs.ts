import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Test runs and benchmarks keep their data in `{root}/{prefix}{pid}` so several can run side by
 * side; a run that was killed cannot clean up after itself, so the next one removes every such
 * directory whose process no longer exists (never its own).
 */
export async function removeStaleRunDirs(root: string, prefix: string): Promise<void> {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)$`);
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await rm(path.join(root, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
