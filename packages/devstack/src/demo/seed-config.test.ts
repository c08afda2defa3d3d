import { describe, expect, it } from 'vitest';
import { loadSeedConfig } from './seed-config.ts';

describe('demo seed config', () => {
  it('defaults to the dev command\'s demo stack', () => {
    expect(loadSeedConfig({})).toEqual({
      origin: 'http://localhost:8080',
      mailApiUrl: 'http://127.0.0.1:8025',
      db: { url: 'postgres://makapix:makapix@127.0.0.1:54329/makapix' },
      ownerEmail: 'demo@makapix.club',
      password: 'demo-pixels-1',
      artworks: 55,
    });
  });

  it('parses what the dev command passes and fails fast listing every problem', () => {
    const config = loadSeedConfig({ SEED_ORIGIN: 'http://localhost:18080/', SEED_ARTWORKS: '7', DATABASE_URL: 'postgres://x@db/mk' });
    expect(config).toMatchObject({ origin: 'http://localhost:18080', artworks: 7, db: { url: 'postgres://x@db/mk' } });
    expect(() => loadSeedConfig({ SEED_ORIGIN: 'nope', SEED_OWNER_EMAIL: 'nobody', SEED_PASSWORD: 'short', SEED_ARTWORKS: '0' })).toThrow(
      /SEED_ORIGIN[\s\S]*SEED_OWNER_EMAIL[\s\S]*SEED_PASSWORD[\s\S]*SEED_ARTWORKS/,
    );
  });
});
