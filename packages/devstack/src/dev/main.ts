import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureDevCa } from '../dev-ca.ts';
import { repoRoot } from '../paths.ts';
import { waitForPort } from '../ports.ts';
import { startBackingServices } from './backing-services.ts';
import { loadDevConfig } from './config.ts';
import { ProcessGroup, type ProcessSpec } from './processes.ts';
import { printBanner } from './banner.ts';
import { waitForHealthy } from './health.ts';
import { NEXT_BIN, recordWebBuild, webBuildIsCurrent, webDistDir, webSourceHash } from './web-build.ts';

/**
 * The run command (docs/product.md §7): embedded PostgreSQL, redis-server, the SMTP sink (or the external
 * services DATABASE_URL / REDIS_URL / SMTP_URL name) and the dev CA in-process; api, worker, broker,
 * web, Caddy and simulated players as children with one log stream. Data lives under .data/dev and
 * is reused by the next start.
 */
const config = loadDevConfig();
// Demo logins printed by the banner; the seed creates them, the simulated players belong to the owner.
const DEMO_OWNER_EMAIL = 'demo@makapix.club';
const DEMO_PASSWORD = 'demo-pixels-1';
const group = new ProcessGroup((name, code) => {
  group.log('dev', `${name} exited unexpectedly (code ${code}); stopping`);
  void shutdown(1);
});
const stopServices: (() => Promise<void>)[] = [];
let shuttingDown = false;

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  group.log('dev', 'stopping processes…');
  await group.stopAll();
  for (const stop of stopServices.reverse()) await stop().catch((err: Error) => group.log('dev', `stop failed: ${err.message}`));
  group.log('dev', `stopped; data kept in ${config.dataDir}`);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await mkdir(config.dirs.vault, { recursive: true });
  const services = await startBackingServices(config, (name, line) => group.log(name, line), stopServices);

  const ca = await ensureDevCa({ dir: config.dirs.ca, sans: [config.publicHost, ...config.brokerSans] });
  group.log('ca', `dev CA in ${ca.files.dir}`);

  const publicBaseUrl = `http://${config.publicHost}:${config.ports.http}`;
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    DATABASE_URL: services.databaseUrl,
    DATABASE_MIGRATE_ON_START: 'false',
    REDIS_URL: services.redisUrl,
    SMTP_URL: services.smtpUrl,
    PUBLIC_BASE_URL: publicBaseUrl,
    API_PORT: String(config.ports.api),
    VAULT_DIR: config.dirs.vault,
    VAULT_PUBLIC_BASE_URL: `${publicBaseUrl}/vault`,
    CA_CERT_FILE: ca.files.caCert,
    CA_KEY_FILE: ca.files.caKey,
    CRL_FILE: ca.files.crl,
    BROKER_CERT_FILE: ca.files.brokerCert,
    BROKER_KEY_FILE: ca.files.brokerKey,
    BROKER_MTLS_PORT: String(config.ports.mqtts),
    BROKER_INTERNAL_PORT: String(config.ports.mqttInternal),
    BROKER_INTERNAL_URL: `mqtt://127.0.0.1:${config.ports.mqttInternal}`,
    BROKER_PUBLIC_HOST: config.publicHost,
    BROKER_PUBLIC_PORT: String(config.ports.mqtts),
    LOG_FORMAT: 'pretty',
    VAULT_INCOMING_DIR: path.join(config.dataDir, 'incoming'),
    OWNER_EMAILS: DEMO_OWNER_EMAIL,
  };
  const tsx = (name: string, entry: string, extra: Record<string, string> = {}): ProcessSpec => ({
    name, entry, command: process.execPath, args: ['--import', 'tsx', entry], env: { ...env, ...extra },
  });
  // The web runs its production build, made first when missing or older than its sources.
  const webEnv: Record<string, string> = { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', API_UPSTREAM: `127.0.0.1:${config.ports.api}` };
  if (existsSync(path.join(repoRoot, 'web/package.json'))) {
    const hash = await webSourceHash();
    webEnv.MAKAPIX_WEB_DIST_DIR = webDistDir(hash);
    if (webBuildIsCurrent(hash)) group.log('web', 'production build is up to date');
    else {
      group.log('web', 'building the web (next build)…');
      const built = await group.runOnce({ name: 'web-build', entry: 'web/package.json', command: process.execPath, args: [NEXT_BIN, 'build', 'web'], env: webEnv });
      if (built !== 0) throw new Error(`web build failed (exit ${built})`);
    }
    await recordWebBuild(hash);
  }
  const started: string[] = [];
  const specs: ProcessSpec[] = [
    tsx('broker', 'broker/src/main.ts', { BROKER_PROCESSES: config.brokerProcesses }),
    tsx('api', 'api/src/server.ts'),
    tsx('worker', 'worker/src/main.ts'),
    { name: 'web', entry: 'web/package.json', command: process.execPath, args: [NEXT_BIN, 'start', 'web', '-H', '127.0.0.1', '-p', String(config.ports.web)], env: webEnv },
    {
      name: 'caddy', entry: 'caddy/Caddyfile.dev', command: 'caddy', args: ['run', '--config', 'caddy/Caddyfile.dev', '--adapter', 'caddyfile'],
      env: { CADDY_PORT: String(config.ports.http), API_UPSTREAM: `127.0.0.1:${config.ports.api}`, WEB_UPSTREAM: `127.0.0.1:${config.ports.web}`, VAULT_DIR: config.dirs.vault },
    },
  ];
  for (const spec of specs) {
    if (!group.start(spec)) continue;
    started.push(spec.name);
    // Caddy comes last: wait for the api so the first requests through it are not 502s.
    if (spec.name === 'api') await waitForPort(config.ports.api, '127.0.0.1', 60_000);
  }

  await waitForPort(config.ports.http);
  await waitForHealthy(`${publicBaseUrl}/api/health`, 60_000);
  // The seed verifies the demo accounts by reading their mails back from the sink, and the players
  // log in as the demo owner: with an external SMTP server (no sink) there is no demo.
  if (services.mailApiUrl === null) {
    group.log('seed', 'skipped: SMTP_URL is external, and the demo sign-ups are verified through the mail sink');
  } else {
    const seeded = await group.runOnce(tsx('seed', 'packages/devstack/src/demo/seed.ts', {
      SEED_ORIGIN: publicBaseUrl, SEED_MAIL_API_URL: services.mailApiUrl, SEED_OWNER_EMAIL: DEMO_OWNER_EMAIL, SEED_PASSWORD: DEMO_PASSWORD,
      SEED_ARTWORKS: String(config.seedArtworks),
    }));
    if (seeded !== null && seeded !== 0) throw new Error(`demo seed failed (exit ${seeded})`);
    if (group.start(tsx('players', 'firmware-sim/src/cli.ts', {
      SIM_PLAYERS: String(config.simPlayers), SIM_API_BASE_URL: `${publicBaseUrl}/api`, SIM_OWNER_EMAIL: DEMO_OWNER_EMAIL,
      SIM_OWNER_PASSWORD: DEMO_PASSWORD, SIM_STATE_FILE: path.join(config.dataDir, 'sim-players.json'),
    }))) {
      started.push('players');
    }
  }
  const demo = { owner: DEMO_OWNER_EMAIL, artists: ['ada', 'bitsy', 'chip', 'dither', 'eight'].map((a) => `${a}@makapix.club`), password: DEMO_PASSWORD };
  printBanner({ publicBaseUrl, mailApiUrl: services.mailApiUrl, started, config, demo: services.mailApiUrl === null ? null : demo });
} catch (err) {
  group.log('dev', `failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  await shutdown(1);
}
