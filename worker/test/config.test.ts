import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('worker config', () => {
  it('works with no environment at all (dev defaults)', () => {
    const config = loadConfig({});
    expect(config.redis.url).toBe('redis://127.0.0.1:6390');
    expect(config.db.url).toBe('postgres://makapix:makapix@127.0.0.1:54329/makapix');
    expect(config.mail.smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(config.mail.publicBaseUrl).toBe('http://localhost:8080');
    expect(config.vault).toMatchObject({ dir: '.data/dev/vault', incomingDir: '.data/dev/incoming' });
    expect(config.worker).toMatchObject({ concurrency: 2, schedulers: true });
    expect(config.log).toEqual({ level: 'info', pretty: false });
  });

  it('parses numbers, booleans and trims the base URL', () => {
    const config = loadConfig({ WORKER_CONCURRENCY: '6', WORKER_SCHEDULERS: '0', PUBLIC_BASE_URL: 'https://makapix.club/', LOG_FORMAT: 'pretty' });
    expect(config.worker.concurrency).toBe(6);
    expect(config.worker.schedulers).toBe(false);
    expect(config.mail.publicBaseUrl).toBe('https://makapix.club');
    expect(config.log.pretty).toBe(true);
  });

  it('fails fast listing every problem at once', () => {
    let message = '';
    try {
      loadConfig({ WORKER_CONCURRENCY: 'many', SMTP_URL: 'http://mail', LOG_FORMAT: 'xml', PUBLIC_BASE_URL: 'not a url' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const key of ['WORKER_CONCURRENCY', 'SMTP_URL', 'LOG_FORMAT', 'PUBLIC_BASE_URL']) expect(message).toContain(key);
  });
});
