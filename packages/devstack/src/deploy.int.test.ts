import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';

const run = promisify(execFile);
const composeFile = path.join(repoRoot, 'docker-compose.yml');

// The production files cannot run here (no Docker engine), so they are validated by the real tools:
// Debian's docker-compose and caddy (docs/architecture.md §7).
const composeEnv = {
  ...process.env,
  POSTGRES_PASSWORD: 'pw',
  SITE_ADDRESS: 'makapix.example',
  BROKER_PUBLIC_HOST: 'mqtt.makapix.example',
  BROKER_SERVICE_PASSWORD: 'service-password-0123456789',
  JWT_SECRET: 'x'.repeat(40),
  KEY_ENCRYPTION_SECRET: 'y'.repeat(40),
  SMTP_URL: 'smtp://mail.example:587',
};

interface Service {
  build?: { dockerfile: string };
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  profiles?: string[];
  volumes?: string[];
}

/** The compose file as docker-compose resolves it; python3-yaml is a dependency of Debian's docker-compose. */
async function renderCompose(env: Record<string, string | undefined> = {}): Promise<{ services: Record<string, Service>; volumes: Record<string, unknown> }> {
  const { stdout } = await run('docker-compose', ['-f', composeFile, 'config'], { env: { ...composeEnv, ...env } });
  const child = run('python3', ['-c', 'import sys, yaml, json; json.dump(yaml.safe_load(sys.stdin), sys.stdout)']);
  child.child.stdin?.end(stdout);
  return JSON.parse((await child).stdout);
}

const nodeServices = ['ca-init', 'broker', 'api', 'worker'];

describe('production deployment files', () => {
  it('docker-compose.yml is valid and publishes only Caddy and the broker mTLS port', async () => {
    const { stdout } = await run('docker-compose', ['-f', composeFile, 'config'], { env: composeEnv });
    for (const svc of ['postgres', 'redis', 'ca-init', 'broker', 'api', 'worker', 'web', 'caddy']) expect(stdout).toMatch(new RegExp(`\\n  ${svc}:\\n`));
    const published = [...stdout.matchAll(/published: (\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(published).toEqual([80, 443, 443, 8883]);
    for (const volume of ['pgdata', 'redisdata', 'vault', 'incoming', 'ca']) expect(stdout).toContain(`  ${volume}: {}`);
  });

  it('docker-compose.yml refuses to render without its secrets', async () => {
    await expect(run('docker-compose', ['-f', composeFile, 'config'], { env: { PATH: process.env.PATH } })).rejects.toThrow(/set POSTGRES_PASSWORD|set SITE_ADDRESS|set /);
  });

  it('runs the web app for real: built from web/Dockerfile, started after the api, in front of Caddy', async () => {
    const { services } = await renderCompose();
    expect(services.web?.profiles).toBeUndefined();
    expect(services.web?.depends_on?.api).toEqual({ condition: 'service_healthy' });
    expect(Object.keys(services.caddy?.depends_on ?? {})).toContain('web');
  });

  it('creates the CA before any service that reads it, and every long-running service has a health check', async () => {
    const { services } = await renderCompose({ BROKER_SANS: '203.0.113.7,mqtt2.makapix.example' });
    expect(services['ca-init']?.command?.join(' ')).toContain('--dir /run/ca --sans mqtt.makapix.example,203.0.113.7,mqtt2.makapix.example');
    for (const name of ['broker', 'api', 'worker']) {
      expect(services[name]?.depends_on?.['ca-init'], name).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(services.broker?.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    for (const name of ['postgres', 'redis', 'broker', 'api', 'worker', 'web', 'caddy']) expect(services[name]?.healthcheck?.test.length, name).toBeGreaterThan(0);
  });

  it('api and worker share the upload hand-off directory on one volume', async () => {
    const { services } = await renderCompose();
    for (const name of ['api', 'worker']) {
      const dir = services[name]?.environment?.VAULT_INCOMING_DIR;
      expect(dir, name).toBe('/srv/incoming');
      expect(services[name]?.volumes, name).toContain(`incoming:${dir}:rw`);
    }
  });

  it('points at external PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set', async () => {
    const bundled = await renderCompose();
    expect(bundled.services.api?.environment).toMatchObject({ DATABASE_URL: 'postgres://makapix@postgres:5432/makapix', PGPASSWORD: 'pw', REDIS_URL: 'redis://redis:6379' });
    const external = await renderCompose({ DATABASE_URL: 'postgres://mk:secret@db.example:5432/mk', REDIS_URL: 'rediss://cache.example:6380' });
    for (const name of ['broker', 'api', 'worker']) {
      expect(external.services[name]?.environment, name).toMatchObject({ DATABASE_URL: 'postgres://mk:secret@db.example:5432/mk', REDIS_URL: 'rediss://cache.example:6380' });
    }
  });

  it('the image creates every volume mount point of the Node services, owned by node', async () => {
    const { services } = await renderCompose();
    const dockerfile = await readFile(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');
    const owned = [...dockerfile.matchAll(/install -d -o node -g node -m \d+ ([^\n\\&]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
    const mountPoints = nodeServices.flatMap((name) => (services[name]?.volumes ?? []).map((v) => v.split(':')[1]!));
    expect(mountPoints.length).toBeGreaterThan(0);
    for (const dir of mountPoints) expect(owned, dir).toContain(dir);
    expect(dockerfile.indexOf('install -d -o node')).toBeLessThan(dockerfile.indexOf('USER node'));
  });

  it.each(['Caddyfile', 'Caddyfile.dev'])('caddy/%s is a valid Caddy configuration', async (file) => {
    const { stdout, stderr } = await run('caddy', ['validate', '--config', path.join(repoRoot, 'caddy', file), '--adapter', 'caddyfile'], {
      env: { ...process.env, SITE_ADDRESS: 'makapix.example' },
    });
    expect(stdout + stderr).toContain('Valid configuration');
  });
});
