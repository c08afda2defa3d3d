import { migrateDb } from '@makapix/db';
import { startPostgres } from '../postgres.ts';
import { startRedis } from '../redis.ts';
import { startSmtpSink } from '../smtp-sink.ts';
import type { DevConfig } from './config.ts';

export interface BackingServices {
  databaseUrl: string;
  redisUrl: string;
  smtpUrl: string;
  /** The SMTP sink's mail API; null when mail goes to an external server (nothing to read back). */
  mailApiUrl: string | null;
}

type Log = (name: string, line: string) => void;

/**
 * PostgreSQL, Redis and SMTP for the dev command: the embedded ones, with their data under the data
 * directory, or the external ones DATABASE_URL / REDIS_URL / SMTP_URL name (docs/product.md §7). Each service
 * started here pushes its stop function onto `stops` at once, so a failure halfway still stops it.
 */
export async function startBackingServices(config: DevConfig, log: Log, stops: (() => Promise<void>)[]): Promise<BackingServices> {
  const { external } = config;

  let databaseUrl = external.databaseUrl;
  if (databaseUrl) {
    log('postgres', `external: ${redact(databaseUrl)}`);
  } else {
    log('postgres', `starting on 127.0.0.1:${config.ports.postgres} (${config.dirs.postgres})`);
    const postgres = await startPostgres({ dataDir: config.dirs.postgres, port: config.ports.postgres });
    stops.push(() => postgres.stop());
    databaseUrl = await postgres.ensureDatabase('makapix');
  }
  // Once here, external database included: the children run with DATABASE_MIGRATE_ON_START=false.
  await migrateDb(databaseUrl);
  log('postgres', 'ready, migrations applied');

  let redisUrl = external.redisUrl;
  if (redisUrl) {
    log('redis', `external: ${redact(redisUrl)} (needs maxmemory-policy noeviction)`);
  } else {
    const redis = await startRedis({ dir: config.dirs.redis, port: config.ports.redis, persistent: true });
    stops.push(() => redis.stop());
    redisUrl = redis.url;
    log('redis', `ready on ${redisUrl} (AOF on)`);
  }

  if (external.smtpUrl) {
    log('mail', `external SMTP: ${redact(external.smtpUrl)} (no mail sink)`);
    return { databaseUrl, redisUrl, smtpUrl: external.smtpUrl, mailApiUrl: null };
  }
  const sink = await startSmtpSink({ dir: config.dirs.mail, smtpPort: config.ports.smtp, httpPort: config.ports.mailApi });
  stops.push(() => sink.stop());
  log('mail', `SMTP sink on 127.0.0.1:${config.ports.smtp}, mails at ${sink.apiUrl}/messages`);
  return { databaseUrl, redisUrl, smtpUrl: `smtp://127.0.0.1:${config.ports.smtp}`, mailApiUrl: sink.apiUrl };
}

/** The URL without its password, for the log. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
