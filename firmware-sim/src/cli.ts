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

let stop: () => Promise<void> = async () => undefined;
try {
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
} catch (err) {
  // A device that cannot reach its server says so and stops; no stack trace for an operator.
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  process.stderr.write(`firmware-sim: ${(err as Error).message}${cause ? ` (${cause})` : ''}\n`);
  process.exit(1);
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
