import { mkdtemp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { players } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMember } from '../../api/test/fixtures/accounts.ts';
import { insertArtwork } from '../../api/test/fixtures/device-plane.ts';
import { loadCliConfig } from '../src/config.ts';
import { runFleet } from '../src/fleet/run.ts';
import { startSimStack, type SimStack } from './stack.ts';

// The `fleet` command on the real api + broker: provisions through the API, ramps with a progress
// bar, runs the firmware behaviour with live totals and fan-outs, and ends with a JSON summary.
let stack: SimStack;

describe('the fleet runner', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    stack = await startSimStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('provisions, ramps, plays, fans commands out and sums it all up; a second run reuses the players', async () => {
    const owner = await createMember(stack.t);
    const artist = await createMember(stack.t);
    for (let i = 0; i < 3; i++) await insertArtwork(stack.t, artist.id);
    const dir = await mkdtemp(path.join(inject('scratchDir'), 'fleet-'));
    const argv = [
      'fleet', '--count', '4', '--owner', owner.email, '--password', owner.password, '--api', stack.apiBaseUrl,
      '--state-dir', path.join(dir, 'state'), '--seed', '3', '--minutes', '0.2', '--fanout-every-sec', '4', '--json', path.join(dir, 'summary.json'),
    ];
    const config = loadCliConfig(argv);
    if (config.mode !== 'fleet') throw new Error('not a fleet config');
    const out = new PassThrough();
    let screen = '';
    out.on('data', (b: Buffer) => (screen += b.toString()));
    const run = await runFleet(config.fleet, out);
    const summary = await run.finished;
    expect(summary).toMatchObject({ players: 4, connected: 4, duplicates: 0, errors: 0, reconnects: 0 });
    expect(summary.commandsSent as number).toBeGreaterThanOrEqual(8);
    expect(summary.delivered).toBe(summary.commandsSent);
    expect(summary.views as number).toBeGreaterThanOrEqual(4);
    expect((summary.commandLatency as { p99Ms: number | null }).p99Ms).not.toBeNull();
    expect(screen).toContain('provisioning [##############################] 4/4');
    expect(screen).toContain('connecting   [##############################] 4/4');
    expect(screen).toMatch(/connected 4\/4 · req\/s [\d.]+ · views\/s [\d.]+ · cmd p50/);
    expect(JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8'))).toEqual(summary);

    const again = await runFleet({ ...config.fleet, minutes: 0.05, 'fanout-every-sec': 60 }, new PassThrough());
    const second = await again.finished;
    expect(second).toMatchObject({ players: 4, connected: 4 });
    expect(await stack.t.app.db.select().from(players).where(eq(players.ownerId, owner.id))).toHaveLength(4);
  });
});
