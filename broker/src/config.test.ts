import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('works with no environment at all (dev defaults)', () => {
    const config = loadConfig({});
    expect(config.mtls).toMatchObject({ host: '0.0.0.0', port: 8883, crlPollMs: 1000 });
    expect(config.mtls.caFile).toMatch(/\.data\/dev\/ca\/ca\.pem$/);
    expect(config.mtls.crlFile).toMatch(/\.data\/dev\/ca\/crl\.pem$/);
    expect(config.internal).toMatchObject({ host: '127.0.0.1', port: 1883, username: 'makapix-api', password: 'dev-only-broker-service-password' });
    expect(config.db.url).toBe('postgres://makapix:makapix@127.0.0.1:54329/makapix');
    expect(config.redis.url).toBe('redis://127.0.0.1:6390');
    expect(config.conformance).toBeNull();
    expect(config.limits.maxPayloadBytes).toBe(256 * 1024);
    expect(config.log).toEqual({ level: 'info', pretty: false });
  });

  it('reads every setting from the environment', () => {
    const config = loadConfig({
      BROKER_MTLS_PORT: '18883',
      BROKER_INTERNAL_HOST: '10.0.0.2',
      BROKER_INTERNAL_PORT: '11883',
      BROKER_CONFORMANCE_PORT: '11884',
      BROKER_MAX_TOPIC_LEVELS: '8',
      LOG_FORMAT: 'pretty',
    });
    expect(config.mtls.port).toBe(18883);
    expect(config.internal).toMatchObject({ host: '10.0.0.2', port: 11883 });
    expect(config.conformance).toEqual({ host: '127.0.0.1', port: 11884 });
    expect(config.limits.maxTopicLevels).toBe(8);
    expect(config.log.pretty).toBe(true);
  });

  it('fails fast listing every problem', () => {
    expect(() =>
      loadConfig({ BROKER_MTLS_PORT: 'abc', BROKER_SERVICE_PASSWORD: 'short', BROKER_CRL_POLL_MS: '5000', LOG_FORMAT: 'xml' }),
    ).toThrow(/BROKER_MTLS_PORT[\s\S]*BROKER_CRL_POLL_MS[\s\S]*BROKER_SERVICE_PASSWORD|BROKER_SERVICE_PASSWORD[\s\S]*BROKER_MTLS_PORT/);
    try {
      loadConfig({ BROKER_MTLS_PORT: 'abc', BROKER_SERVICE_PASSWORD: 'short', BROKER_CRL_POLL_MS: '5000', LOG_FORMAT: 'xml' });
    } catch (err) {
      for (const key of ['BROKER_MTLS_PORT', 'BROKER_SERVICE_PASSWORD', 'BROKER_CRL_POLL_MS', 'LOG_FORMAT']) expect(String(err)).toContain(key);
    }
  });

  it('refuses the dev service password and conformance mode in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/BROKER_SERVICE_PASSWORD: must be set in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', BROKER_SERVICE_PASSWORD: 'x'.repeat(24), BROKER_CONFORMANCE_PORT: '1884' })).toThrow(
      /BROKER_CONFORMANCE_PORT/,
    );
    expect(loadConfig({ NODE_ENV: 'production', BROKER_SERVICE_PASSWORD: 'x'.repeat(24) }).env).toBe('production');
  });

  it('runs one in-memory process by default and shares state through Redis for several', () => {
    expect(loadConfig({})).toMatchObject({ processes: 1, sharedState: 'memory' });
    expect(loadConfig({ BROKER_PROCESSES: '2' })).toMatchObject({ processes: 2, sharedState: 'redis' });
    expect(loadConfig({ BROKER_SHARED_STATE: 'redis' })).toMatchObject({ processes: 1, sharedState: 'redis' });
    expect(loadConfig({ BROKER_PROCESSES: 'auto' }).processes).toBeGreaterThanOrEqual(1);
    expect(() => loadConfig({ BROKER_PROCESSES: '2', BROKER_SHARED_STATE: 'memory' })).toThrow(/BROKER_SHARED_STATE/);
    expect(() => loadConfig({ BROKER_PROCESSES: '0' })).toThrow(/BROKER_PROCESSES/);
  });
});
