import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBackingServices } from './backing-services.ts';
import { loadDevConfig } from './config.ts';

// `npm start` with DATABASE_URL / REDIS_URL / SMTP_URL set (docs/product.md §7): nothing embedded is
// started, and the given database is migrated, since the children run without migrate-on-start.
const adminUrl = inject('databaseUrl');
const name = `t_ext_${randomBytes(6).toString('hex')}`;
let databaseUrl: string;

async function admin<T>(sql: string, url = adminUrl): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
});
afterAll(async () => {
  await admin(`drop database if exists "${name}" with (force)`);
});

describe('dev command with external services', () => {
  it('uses the given URLs, starts nothing and migrates the external database', async () => {
    const config = loadDevConfig({ DATABASE_URL: databaseUrl, REDIS_URL: inject('redisUrl'), SMTP_URL: 'smtps://u:pw@smtp.example:465' });
    const lines: string[] = [];
    const stops: (() => Promise<void>)[] = [];
    const services = await startBackingServices(config, (svc, line) => lines.push(`${svc}: ${line}`), stops);

    expect(services).toEqual({ databaseUrl, redisUrl: inject('redisUrl'), smtpUrl: 'smtps://u:pw@smtp.example:465', mailApiUrl: null });
    expect(stops).toEqual([]);
    const tables = await admin<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public'`, databaseUrl);
    expect(tables.map((t) => t.table_name)).toContain('users');
    const password = new URL(databaseUrl).password;
    expect(password.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(`:${password}@`);
    expect(lines.join('\n')).not.toContain(':pw@');
  });
});
