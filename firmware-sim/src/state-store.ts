import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * What a p3a keeps in its NVS across reboots: the identity from provisioning, the TLS material, the
 * broker address and the device token. One JSON file per player (mode 0600) in a state directory,
 * so a restarted player reconnects without provisioning again (issue 12).
 */
export const storedPlayerSchema = z.object({
  playerKey: z.string(),
  caPem: z.string(),
  certPem: z.string(),
  keyPem: z.string(),
  brokerHost: z.string(),
  brokerPort: z.number().int(),
  apiBaseUrl: z.string().optional(),
  apiToken: z.string().nullable().default(null),
  name: z.string().optional(),
  /** The account that registered it (a fleet spreads players over owners, 128 each). */
  owner: z.string().optional(),
});
export type StoredPlayer = z.input<typeof storedPlayerSchema>;

export class PlayerStateDir {
  constructor(readonly dir: string) {}

  fileOf(playerKey: string): string {
    return path.join(this.dir, `${playerKey}.json`);
  }

  async save(player: StoredPlayer): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.fileOf(player.playerKey);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(player, null, 2), { mode: 0o600 });
    await rename(tmp, file);
  }

  async load(playerKey: string): Promise<StoredPlayer | null> {
    const file = this.fileOf(playerKey);
    if (!existsSync(file)) return null;
    return storedPlayerSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  }

  /** Every stored player, oldest file name order (stable across runs). */
  async loadAll(): Promise<StoredPlayer[]> {
    if (!existsSync(this.dir)) return [];
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    const out: StoredPlayer[] = [];
    for (const name of names) out.push(storedPlayerSchema.parse(JSON.parse(await readFile(path.join(this.dir, name), 'utf8'))));
    return out;
  }
}
