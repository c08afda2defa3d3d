import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  VaultFullError,
  VaultPathError,
  incomingPath,
  incomingTempPath,
  listIncomingOlderThan,
  parseIncomingName,
  readIncoming,
  removeIncoming,
  removeIncomingEntry,
  writeIncoming,
} from '../src/index.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vault-incoming-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOUR = 3600_000;
const backdate = (file: string, ms: number) => utimes(file, new Date(Date.now() - ms), new Date(Date.now() - ms));

describe('incoming uploads', () => {
  it('writes atomically under the storage key, reads it back and removes it', async () => {
    const key = randomUUID();
    const written = await writeIncoming({ incomingDir: join(dir, 'nested'), minFreeBytes: 0 }, key, Buffer.from('pixels'));
    expect(written).toBe(incomingPath(join(dir, 'nested'), key));
    expect(await readdir(join(dir, 'nested'))).toEqual([`${key}.upload`]);
    expect((await readIncoming(join(dir, 'nested'), key))?.toString()).toBe('pixels');
    expect(await removeIncoming(join(dir, 'nested'), key)).toBe(true);
    expect(await removeIncoming(join(dir, 'nested'), key)).toBe(false);
    expect(await readIncoming(join(dir, 'nested'), key)).toBeNull();
  });

  it('refuses a write under the free-space floor, leaving nothing', async () => {
    const write = writeIncoming({ incomingDir: dir, minFreeBytes: 2 ** 52 }, randomUUID(), Buffer.from('x'));
    await expect(write).rejects.toBeInstanceOf(VaultFullError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses names that are not storage keys', async () => {
    expect(() => incomingPath(dir, '../etc/passwd')).toThrow(VaultPathError);
    await expect(writeIncoming({ incomingDir: dir, minFreeBytes: 0 }, 'x', Buffer.from('x'))).rejects.toThrow(VaultPathError);
    expect(() => incomingTempPath(dir, randomUUID(), 'nothex')).toThrow();
  });

  it('parses only names of the hand-over', () => {
    const key = randomUUID();
    expect(parseIncomingName(`${key}.upload`)).toEqual({ name: `${key}.upload`, storageKey: key, temp: false });
    expect(parseIncomingName(basename(incomingTempPath(dir, key, 'c0ffeec0ffee')))).toMatchObject({ storageKey: key, temp: true });
    expect(parseIncomingName(`${key}.png`)).toBeNull();
    expect(parseIncomingName('not-a-key.upload')).toBeNull();
  });

  it('lists old hand-over files only (no foreign names, no symlinks, nothing young) for the sweep', async () => {
    const old = incomingPath(dir, randomUUID());
    const crashed = incomingTempPath(dir, randomUUID(), 'feedfacefeed');
    const young = incomingPath(dir, randomUUID());
    const foreign = join(dir, 'notes.txt');
    const linked = incomingPath(dir, randomUUID());
    for (const file of [old, crashed, young, foreign]) await writeFile(file, 'x');
    await symlink(foreign, linked);
    for (const file of [old, crashed, foreign]) await backdate(file, 2 * HOUR);

    const stale = await listIncomingOlderThan(dir, Date.now() - HOUR);
    expect(stale.map((e) => e.name).sort()).toEqual([basename(old), basename(crashed)].sort());
    for (const entry of stale) expect(await removeIncomingEntry(dir, entry)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([basename(young), basename(linked), 'notes.txt'].sort());
    await expect(removeIncomingEntry(dir, { name: 'notes.txt', storageKey: randomUUID(), temp: false })).rejects.toThrow();
    expect(await listIncomingOlderThan(join(dir, 'missing'), Date.now())).toEqual([]);
  });
});
