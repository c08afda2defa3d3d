import { describe, expect, it } from 'vitest';
import { loadDevConfig } from './config.ts';

describe('dev command config', () => {
  it('starts every service embedded when no external URL is given', () => {
    const config = loadDevConfig({});
    expect(config.external).toEqual({ databaseUrl: undefined, redisUrl: undefined, smtpUrl: undefined });
    expect(config.ports).toMatchObject({ http: 8080, postgres: 54329, redis: 6390, smtp: 2525 });
  });

  it('takes DATABASE_URL, REDIS_URL and SMTP_URL as external services, an empty value as unset', () => {
    const config = loadDevConfig({
      DATABASE_URL: 'postgresql://mk:pw@db.example:5432/mk',
      REDIS_URL: 'rediss://cache.example:6380',
      SMTP_URL: '',
    });
    expect(config.external).toEqual({ databaseUrl: 'postgresql://mk:pw@db.example:5432/mk', redisUrl: 'rediss://cache.example:6380', smtpUrl: undefined });
  });

  it('fails fast listing every malformed URL', () => {
    expect(() => loadDevConfig({ DATABASE_URL: 'mysql://db', REDIS_URL: 'http://cache', SMTP_URL: 'mail.example:25' })).toThrow(
      /DATABASE_URL[\s\S]*REDIS_URL[\s\S]*SMTP_URL/,
    );
  });

  it('runs one broker process unless MAKAPIX_BROKER_PROCESSES says otherwise', () => {
    expect(loadDevConfig({}).brokerProcesses).toBe('1');
    expect(loadDevConfig({ MAKAPIX_BROKER_PROCESSES: '2' }).brokerProcesses).toBe('2');
    expect(loadDevConfig({ MAKAPIX_BROKER_PROCESSES: 'auto' }).brokerProcesses).toBe('auto');
    expect(() => loadDevConfig({ MAKAPIX_BROKER_PROCESSES: 'many' })).toThrow(/MAKAPIX_BROKER_PROCESSES/);
  });
});
