import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';

const run = promisify(execFile);

// The production files cannot run here (no Docker engine), so they are validated by the real tools:
// Debian's docker-compose and caddy (ARCHITECTURE.md, environment facts).
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

describe('production deployment files', () => {
  it('docker-compose.yml is valid and publishes only Caddy and the broker mTLS port', async () => {
    const { stdout } = await run('docker-compose', ['-f', path.join(repoRoot, 'docker-compose.yml'), 'config'], { env: composeEnv });
    for (const svc of ['postgres', 'redis', 'broker', 'api', 'worker', 'web', 'caddy']) expect(stdout).toMatch(new RegExp(`\\n  ${svc}:\\n`));
    const published = [...stdout.matchAll(/published: (\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(published).toEqual([80, 443, 443, 8883]);
    for (const volume of ['pgdata', 'redisdata', 'vault']) expect(stdout).toContain(`  ${volume}: {}`);
  });

  it('docker-compose.yml refuses to render without its secrets', async () => {
    await expect(run('docker-compose', ['-f', path.join(repoRoot, 'docker-compose.yml'), 'config'], { env: { PATH: process.env.PATH } })).rejects.toThrow(/set POSTGRES_PASSWORD|set SITE_ADDRESS|set /);
  });

  it.each(['Caddyfile', 'Caddyfile.dev'])('caddy/%s is a valid Caddy configuration', async (file) => {
    const { stdout, stderr } = await run('caddy', ['validate', '--config', path.join(repoRoot, 'caddy', file), '--adapter', 'caddyfile'], {
      env: { ...process.env, SITE_ADDRESS: 'makapix.example' },
    });
    expect(stdout + stderr).toContain('Valid configuration');
  });
});
