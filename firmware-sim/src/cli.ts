import { loadSimConfig } from './config.ts';
import { loadFleetState, provisionPlayer, saveFleetState } from './fleet.ts';
import { DeviceHttp } from './http.ts';
import { ownerSession } from './owner-session.ts';
import { startPlayback } from './playback.ts';
import { SimPlayer } from './player.ts';

/**
 * `tsx firmware-sim/src/cli.ts`: keeps SIM_PLAYERS simulated players online for the demo owner,
 * provisioning by code the ones it does not have credentials for yet, then playing the `all` channel.
 */
const config = loadSimConfig();
const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const http = new DeviceHttp(config.apiBaseUrl);

const known = await loadFleetState(config.stateFile);
if (known.length < config.players) {
  const { register } = await ownerSession(config.apiBaseUrl, config.owner.email, config.owner.password);
  while (known.length < config.players) {
    const creds = await provisionPlayer(http, register, `Sim player ${known.length + 1}`, 500);
    known.push(creds);
    await saveFleetState(config.stateFile, known);
    log(`provisioned player ${creds.playerKey}`);
  }
}

const players = known.slice(0, config.players).map((creds) => new SimPlayer(creds, { log, protocolVersion: config.protocolVersion }));
const stops: (() => void)[] = [];
for (const player of players) {
  try {
    await player.connect();
    stops.push(startPlayback(player, { dwellMs: config.dwellMs, log, download: true }));
  } catch (err) {
    log(`player ${player.key} could not connect: ${(err as Error).message}`);
  }
}
log(`${stops.length}/${players.length} simulated players online`);

async function shutdown() {
  for (const stop of stops) stop();
  await Promise.all(players.map((p) => p.disconnect().catch(() => undefined)));
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
