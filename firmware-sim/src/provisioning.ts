import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { DeviceHttp } from './http.ts';
import type { StoredPlayer } from './state-store.ts';

/** Registers a code for the owner (docs/device-protocol.md §2 step 2); provided by an owner session. */
export type RegisterFn = (registrationCode: string, name: string) => Promise<void>;

export interface ProvisionOptions {
  /** Shown on the panel by the firmware; the interactive CLI prints it. */
  onCode?: (code: string, expiresAt: string, playerKey: string) => void;
  /** Registers the code itself (fleet, tests); without it a person enters the code on the web. */
  register?: RegisterFn;
  name?: string;
  /** docs/device-protocol.md §2.3: poll every 3 s for up to 15 min. */
  pollMs?: number;
  timeoutMs?: number;
  deviceModel?: string;
  firmwareVersion?: string;
}

/**
 * Provisions a player the way a factory-fresh p3a does: provision → show the code → (the owner
 * registers it) → poll credentials until they arrive. Returns what the device stores.
 */
export async function provisionByCode(http: DeviceHttp, opts: ProvisionOptions = {}): Promise<StoredPlayer> {
  const provisioned = await http.provision(opts.deviceModel ?? 'p3a-sim', opts.firmwareVersion ?? 'sim-2.0.0');
  opts.onCode?.(provisioned.registration_code, provisioned.registration_code_expires_at, provisioned.player_key);
  if (opts.register) await opts.register(provisioned.registration_code, opts.name ?? 'Simulated player');
  const creds = await http.waitForCredentials(provisioned.player_key, opts.pollMs ?? 3_000, opts.timeoutMs ?? 15 * 60_000);
  return {
    playerKey: provisioned.player_key,
    caPem: creds.ca_pem,
    certPem: creds.cert_pem,
    keyPem: creds.key_pem,
    brokerHost: creds.broker.host,
    brokerPort: creds.broker.port,
    apiBaseUrl: creds.https_api.base_url,
    apiToken: creds.api_token,
    ...(opts.name ? { name: opts.name } : {}),
  };
}

/** Provision + register in one step (the dev command's demo players, tests). */
export function provisionPlayer(http: DeviceHttp, register: RegisterFn, name: string, pollMs = 3_000): Promise<StoredPlayer> {
  return provisionByCode(http, { register, name, pollMs });
}

/** The single-file list the first firmware-sim kept (`sim-players.json`), read once to migrate it. */
export async function loadLegacyFleetFile(file: string): Promise<StoredPlayer[]> {
  if (!existsSync(file)) return [];
  return JSON.parse(await readFile(file, 'utf8')) as StoredPlayer[];
}
