import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@makapix/devstack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMember } from '../../api/test/fixtures/accounts.ts';
import { insertArtwork } from '../../api/test/fixtures/device-plane.ts';
import { ownerSession } from '../src/owner-session.ts';
import { startSimStack, type SimStack } from './stack.ts';

// `cli.ts player` as a person runs it: it prints a code, the owner enters it, the terminal becomes
// the panel; run again from the same state directory it reconnects without a new code.
let stack: SimStack;
const runCli = (args: string[]) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/src/cli.ts', 'player', ...args], { cwd: repoRoot });
  const io = { child, out: '' };
  for (const s of [child.stdout, child.stderr]) s.on('data', (b: Buffer) => (io.out += b.toString()));
  return io;
};
const waitFor = async (check: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const interrupt = async (child: ChildProcess) => {
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  child.kill('SIGINT');
  return exited;
};

describe('the player command', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    stack = await startSimStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('prints the code to enter, shows its panel, keeps a snapshot, and restarts from its state', async () => {
    const owner = await createMember(stack.t);
    const artist = await createMember(stack.t);
    const art = await insertArtwork(stack.t, artist.id);
    const dir = await mkdtemp(path.join(inject('scratchDir'), 'cli-'));
    const args = ['--api', stack.apiBaseUrl, '--state-dir', path.join(dir, 'state'), '--snapshot', path.join(dir, 'screen.png')];

    const first = runCli(args);
    await waitFor(() => /Registration code: [A-Z2-9]{6}/.test(first.out), 30_000, 'the registration code');
    const code = /Registration code: ([A-Z2-9]{6})/.exec(first.out)![1]!;
    await (await ownerSession(stack.apiBaseUrl, owner.email, owner.password, '10.202.0.1')).register(code, 'Terminal p3a');
    await waitFor(() => first.out.includes(`post ${art.id}`) && existsSync(path.join(dir, 'screen.png')), 30_000, 'the panel');
    expect(first.out).toMatch(/▶ all · post \d+ · brightness 80 · rotation 0° · mirror none · online/);
    expect(await interrupt(first.child)).toBe(0);

    const second = runCli(args);
    await waitFor(() => second.out.includes('online'), 30_000, 'the restarted player online');
    expect(second.out).not.toContain('Registration code');
    expect(await interrupt(second.child)).toBe(0);
  });
});
