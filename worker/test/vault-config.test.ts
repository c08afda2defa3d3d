import { describeVaultStore } from '@makapix/vault';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

/** docs/product.md §2: local disk by default, an S3-compatible bucket when configured. */
describe('worker config: where the vault lives', () => {
  it('keeps the vault on local disk when no bucket is named (also when the variables are empty)', () => {
    expect(loadConfig({}).vault).toEqual({
      dir: '.data/dev/vault',
      minFreeBytes: 256 * 1024 * 1024,
      incomingDir: '.data/dev/incoming',
      s3: null,
    });
    const empty = loadConfig({ VAULT_S3_BUCKET: '', VAULT_S3_ENDPOINT: '', VAULT_S3_ACCESS_KEY_ID: '', VAULT_S3_SECRET_ACCESS_KEY: '', VAULT_S3_PREFIX: '' });
    expect(empty.vault.s3).toBeNull();
  });

  it('selects a bucket from VAULT_S3_*, with AWS defaults for what is unset', () => {
    expect(loadConfig({ VAULT_S3_BUCKET: 'art' }).vault.s3).toEqual({
      bucket: 'art',
      endpoint: undefined,
      region: 'us-east-1',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
      prefix: '',
    });
    const config = loadConfig({
      VAULT_S3_BUCKET: 'makapix',
      VAULT_S3_ENDPOINT: 'https://minio.internal:9000',
      VAULT_S3_REGION: 'eu-central-1',
      VAULT_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      VAULT_S3_SECRET_ACCESS_KEY: 'secret-example',
      VAULT_S3_FORCE_PATH_STYLE: 'true',
      VAULT_S3_PREFIX: '/club/vault/',
    });
    expect(config.vault.s3).toEqual({
      bucket: 'makapix',
      endpoint: 'https://minio.internal:9000',
      region: 'eu-central-1',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret-example',
      forcePathStyle: true,
      prefix: 'club/vault',
    });
    // What the start-up log shows: where, never the credentials.
    expect(describeVaultStore(config.vault)).toBe('s3:https://minio.internal:9000/makapix/club/vault');
  });

  it('fails fast on half a key pair, settings without a bucket, a bad endpoint or an unsafe prefix', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problems({ VAULT_S3_BUCKET: 'b', VAULT_S3_ACCESS_KEY_ID: 'id' })).toContain('VAULT_S3_SECRET_ACCESS_KEY');
    expect(problems({ VAULT_S3_BUCKET: 'b', VAULT_S3_SECRET_ACCESS_KEY: 'secret' })).toContain('VAULT_S3_ACCESS_KEY_ID');
    expect(problems({ VAULT_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toContain('VAULT_S3_BUCKET');
    const many = problems({ VAULT_S3_BUCKET: 'b', VAULT_S3_ENDPOINT: 'minio:9000', VAULT_S3_PREFIX: 'a/../b', VAULT_S3_FORCE_PATH_STYLE: 'yes' });
    for (const key of ['VAULT_S3_ENDPOINT', 'VAULT_S3_PREFIX', 'VAULT_S3_FORCE_PATH_STYLE']) expect(many).toContain(key);
  });
});
