import type { CliConfig } from './config.ts';
import { DeviceHttp } from './http.ts';
import { ownerSession } from './owner-session.ts';
import { Playback } from './playback.ts';
import { Player } from './player.ts';
import { loadLegacyFleetFile, provisionPlayer } from './provisioning.ts';
import { PlayerStateDir } from './state-store.ts';

type DemoConfig = Extract<CliConfig, { mode: 'demo' }>['demo'];

/**
 * The dev command's players: keeps `players` simulated p3a online for the demo owner, provisioning
 * by code the ones the state directory does not hold yet, then playing the `all` channel.
 */
export async function runDemo(config: DemoConfig, log: (msg: string) => void): Promise<() => Promise<void>> {
  const http = new DeviceHttp(config.apiBaseUrl);
  const store = new PlayerStateDir(config.stateDir);
  let known = await store.loadAll();
  if (known.length === 0) {
    // Players the first simulator registered stay the same players (no duplicates for the owner).
    for (const legacy of await loadLegacyFleetFile(config.legacyStateFile)) await store.save({ apiBaseUrl: config.apiBaseUrl, apiToken: null, ...legacy });
    known = await store.loadAll();
  }
  if (known.length < config.players) {
    const { register } = await ownerSession(config.apiBaseUrl, config.owner.email, config.owner.password);
    while (known.length < config.players) {
      const creds = await provisionPlayer(http, register, `Sim player ${known.length + 1}`, 500);
      await store.save(creds);
      known.push(creds);
      log(`provisioned player ${creds.playerKey}`);
    }
  }

  const players = known.slice(0, config.players).map((creds) => new Player(creds, { log, mqtt: config.mqtt, store, http }));
  const playbacks: Playback[] = [];
  for (const player of players) {
    try {
      await player.connect();
      playbacks.push(new Playback(player, { dwellMs: config.dwellMs, log, download: true }).start());
    } catch (err) {
      log(`player ${player.key} could not connect: ${(err as Error).message}`);
    }
  }
  log(`${playbacks.length}/${players.length} simulated players online`);
  return async () => {
    for (const p of playbacks) p.stop();
    await Promise.all(players.map((p) => p.disconnect().catch(() => undefined)));
  };
}
