import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DeviceHttp } from './http.ts';
import type { PlayerCredentials } from './player.ts';

/** Registers a code for the owner (PROTOCOL.md §2 step 2); provided by the fleet's owner session. */
export type RegisterFn = (registrationCode: string, name: string) => Promise<void>;

/**
 * Provisions a player the way a factory-fresh p3a does: provision → show the code → (owner
 * registers it) → poll credentials until they arrive.
 */
export async function provisionPlayer(http: DeviceHttp, register: RegisterFn, name: string, pollMs = 3_000): Promise<PlayerCredentials> {
  const provisioned = await http.provision('p3a-sim', 'sim-1.0.0');
  await register(provisioned.registration_code, name);
  const creds = await http.waitForCredentials(provisioned.player_key, pollMs);
  return {
    playerKey: provisioned.player_key,
    caPem: creds.ca_pem,
    certPem: creds.cert_pem,
    keyPem: creds.key_pem,
    brokerHost: creds.broker.host,
    brokerPort: creds.broker.port,
  };
}

/** Credentials kept between runs so a restarted fleet reuses its players (file mode 0600). */
export async function loadFleetState(file: string): Promise<PlayerCredentials[]> {
  if (!existsSync(file)) return [];
  return JSON.parse(await readFile(file, 'utf8')) as PlayerCredentials[];
}

export async function saveFleetState(file: string, players: PlayerCredentials[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(players, null, 2), { mode: 0o600 });
  await rename(tmp, file);
}
