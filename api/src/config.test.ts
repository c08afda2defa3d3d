import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('api config', () => {
  it('works with no environment at all (dev defaults)', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3001);
    expect(c.env).toBe('development');
    expect(c.vault.publicBaseUrl).toBe('http://localhost:8080/vault');
  });

  it('lists every problem at once', () => {
    expect(() => loadConfig({ API_PORT: 'abc', JWT_SECRET: 'short', PUBLIC_BASE_URL: 'nope' })).toThrow(
      /API_PORT[\s\S]*PUBLIC_BASE_URL[\s\S]*JWT_SECRET|API_PORT[\s\S]*JWT_SECRET[\s\S]*PUBLIC_BASE_URL/,
    );
  });

  it('keeps the whole database pool open unless told otherwise, never more than the pool', () => {
    expect(loadConfig({ DATABASE_POOL_MAX: '4' }).db).toMatchObject({ poolMax: 4, poolMin: 4 });
    expect(loadConfig({ DATABASE_POOL_MAX: '4', DATABASE_POOL_MIN: '1' }).db).toMatchObject({ poolMax: 4, poolMin: 1 });
    expect(() => loadConfig({ DATABASE_POOL_MAX: '4', DATABASE_POOL_MIN: '5' })).toThrow(/DATABASE_POOL_MIN: must not exceed DATABASE_POOL_MAX/);
  });

  it('refuses the dev secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set in production/);
  });
});
