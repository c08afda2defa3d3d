import type { CliConfig } from './config.ts';
import { createDeviceClock } from './device-clock.ts';
import { Screen } from './display/screen.ts';
import { DeviceHttp } from './http.ts';
import { Playback } from './playback.ts';
import { Player } from './player.ts';
import { provisionByCode } from './provisioning.ts';
import { seededRandom } from './rng.ts';
import { PlayerStateDir } from './state-store.ts';

type PlayerConfig = Extract<CliConfig, { mode: 'player' }>['player'];

/**
 * `cli.ts player`: one device. A fresh one prints its registration code (enter it on the web under
 * "Add a player") and polls for its credentials; a known one reconnects from its state directory.
 * Then the terminal becomes its panel.
 */
export async function runInteractivePlayer(config: PlayerConfig, say: (msg: string) => void): Promise<() => Promise<void>> {
  const store = new PlayerStateDir(config.stateDir);
  const http = new DeviceHttp(config.api);
  let creds = config.new ? undefined : (await store.loadAll())[0];
  if (!creds) {
    creds = await provisionByCode(http, {
      onCode: (code, expiresAt) => say(`\n  Registration code: ${code}\n  Enter it on the web (My players → Add a player) before ${expiresAt}.\n  Waiting for registration…\n`),
    });
    await store.save(creds);
    say(`registered as ${creds.playerKey}; state kept in ${store.fileOf(creds.playerKey)}`);
  }
  const player = new Player(creds, {
    mqtt: config.mqtt,
    store,
    http,
    random: seededRandom(config.seed),
    clock: createDeviceClock(config['unsynced-clock'] ? { syncAfterMs: Number.POSITIVE_INFINITY } : {}),
  });
  const playback = new Playback(player, config['dwell-ms'] ? { dwellMs: config['dwell-ms'] } : {});
  process.stdout.write('\x1b[2J\x1b[?25l');
  const screen = new Screen(player, playback, { out: process.stdout, maxSide: config['max-side'] });
  const snap = () => (config.snapshot ? void screen.snapshot(config.snapshot).catch(() => undefined) : undefined);
  playback.on('show', () => setTimeout(snap, 500));
  player.on('command', snap);
  if (!(await player.start())) throw new Error('the player gave up connecting (re-provision with --new)');
  playback.start();
  return async () => {
    playback.stop();
    if (config.snapshot) await screen.snapshot(config.snapshot).catch(() => undefined);
    screen.stop();
    process.stdout.write('\x1b[?25h\n');
    await player.disconnect();
  };
}
