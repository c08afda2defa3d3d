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

  it('refuses the dev secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set in production/);
  });
});
