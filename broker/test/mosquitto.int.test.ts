import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { topics } from '@makapix/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, endAll, publish, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, type TestPlayer, waitFor } from './harness.ts';

// Interoperability with a second, independent MQTT + TLS stack: Debian's mosquitto clients with a
// device certificate written to files, exactly as a Raspberry Pi player would use them.

const run = promisify(execFile);

let h: Harness;
let player: TestPlayer;
let tlsArgs: string[];
beforeAll(async () => {
  h = await openHarness();
  player = await createPlayer(h, { platformCert: true });
  const files = { ca: path.join(h.dir, 'ca.pem'), cert: path.join(h.dir, 'device.pem'), key: path.join(h.dir, 'device-key.pem') };
  await writeFile(files.ca, h.ca.certPem);
  await writeFile(files.cert, player.cert.certPem);
  await writeFile(files.key, player.cert.keyPem, { mode: 0o600 });
  tlsArgs = ['--cafile', files.ca, '--cert', files.cert, '--key', files.key, '-h', 'localhost', '-p', String(h.broker.ports.mtls), '-V', 'mqttv311'];
});
afterEach(async () => {
  await endAll();
});
afterAll(async () => {
  await h?.close();
});

describe('mosquitto clients', () => {
  it('mosquitto_pub publishes a status that reaches the inbox', async () => {
    const payload = JSON.stringify({ player_key: player.key, status: 'online', firmware_version: 'mosquitto' });
    await run('mosquitto_pub', [...tlsArgs, '--tls-version', 'tlsv1.2', '-i', `p3a-${player.key}`, '-q', '1', '-t', topics.status(player.key), '-m', payload], { timeout: 10_000 });
    const entry = await waitFor(async () => (await readInbox(h.redis)).find((e) => e.payload === payload));
    expect(entry).toMatchObject({ player_key: player.key, kind: 'status', client_id: `p3a-${player.key}`, cert_serial: player.cert.serial });
  });

  it('mosquitto_sub receives a command published by the service account', async () => {
    const sub = spawn('mosquitto_sub', [...tlsArgs, '-i', `p3a-${player.key}`, '-q', '1', '-t', topics.command(player.key), '-C', '1', '-W', '10']);
    let out = '';
    sub.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => sub.once('exit', (code) => resolve((exitCode = code))));

    // mosquitto_sub's stdout is block-buffered on a pipe, so its SUBACK cannot be observed: publish
    // until the subscription is live and the client exits after its one message (-C 1).
    const api = await connect(serviceOptions(h));
    const command = JSON.stringify({ command_id: 'c-mosq', command_type: 'swap_next', payload: {} });
    while (exitCode === undefined) {
      await publish(api, topics.command(player.key), command);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
    }
    expect(await exited).toBe(0);
    expect(out.trim().split('\n').at(-1)).toBe(command);
  });

  it('mosquitto_sub is refused a subscription to another player (SUBACK 0x80)', async () => {
    const other = await createPlayer(h);
    const result = await run('mosquitto_sub', [...tlsArgs, '-i', `p3a-${player.key}`, '-t', topics.command(other.key), '-C', '1', '-W', '2', '-d']).catch((err: { stdout?: string; stderr?: string }) => err);
    const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    expect(text).toMatch(/received SUBACK/);
    expect(text).toMatch(/Subscribed \(mid: 1\): 128/);
    // And the service account still sees only the platform subscription rules.
    const api = await connect(serviceOptions(h));
    expect(await subscribeCodes(api, ['#'])).toEqual([0x80]);
  });
});
