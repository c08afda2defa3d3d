import { loadCliConfig } from './config.ts';
import { runDemo } from './demo.ts';
import { runFleet } from './fleet/run.ts';
import { runInteractivePlayer } from './interactive.ts';

/**
 * `npx tsx firmware-sim/src/cli.ts [player|fleet] [flags]`.
 *   player  one device in this terminal: prints its registration code, then shows its panel
 *   fleet   N devices through the API (`--count --owner --password --api --mqtt-host`), live totals
 *   (none)  the dev command's demo players (configured by SIM_* environment variables)
 */
const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

let config;
try {
  config = loadCliConfig(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}

let stop: () => Promise<void>;
if (config.mode === 'demo') stop = await runDemo(config.demo, log);
else if (config.mode === 'player') stop = await runInteractivePlayer(config.player, (m) => process.stdout.write(`${m}\n`));
else {
  const run = await runFleet(config.fleet);
  stop = async () => {
    run.stop();
    await run.finished;
  };
  void run.finished.then(() => process.exit(0));
}

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await stop().catch((err: Error) => process.stderr.write(`${err.message}\n`));
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
