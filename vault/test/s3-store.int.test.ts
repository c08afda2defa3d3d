import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalVaultStore,
  type S3VaultStoreOptions,
  VaultPathError,
  aliasPath,
  canonicalPath,
  createVaultStore,
  describeVaultStore,
  upscaledAliasPath,
  upscaledPath,
  writeArtworkFiles,
} from '../src/index.ts';
import { S3VaultStore } from '../src/s3-store.ts';
import { type TestS3Server, startTestS3Server } from '../src/test-helpers.ts';
import { describeVaultStoreContract } from './store-contract.ts';

let server: TestS3Server;
/** Reads the bucket around the store under test, as a CDN or another process would. */
let raw: S3Client;
const opened: S3VaultStore[] = [];

beforeAll(async () => {
  server = await startTestS3Server();
  const { region, endpoint, accessKeyId = '', secretAccessKey = '' } = server.storeOptions();
  raw = new S3Client({ region, endpoint, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  raw.destroy();
  await server.close();
});

async function freshBucket(): Promise<string> {
  const bucket = `t-${randomBytes(6).toString('hex')}`;
  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Every key in a bucket, across pages. */
async function rawKeys(bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await raw.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys.sort();
}

function open(bucket: string, extra: Partial<S3VaultStoreOptions> = {}) {
  const store = new S3VaultStore(server.storeOptions({ bucket, ...extra }));
  opened.push(store);
  return store;
}

// A page size of 7 makes every listing of more than 7 keys follow continuation tokens: the same code
// path as a real bucket past its 1000-key page, without writing a thousand objects per run.
describeVaultStoreContract('S3VaultStore', async () => {
  const bucket = await freshBucket();
  return { store: open(bucket, { listPageSize: 7 }), rawFiles: () => rawKeys(bucket) };
});

// With a prefix, every object must land under it; a key outside it would show unstripped and fail.
describeVaultStoreContract('S3VaultStore with a key prefix', async () => {
  const bucket = await freshBucket();
  return {
    store: open(bucket, { prefix: '/makapix/vault/', listPageSize: 7 }),
    rawFiles: async () => (await rawKeys(bucket)).map((k) => (k.startsWith('makapix/vault/') ? k.slice('makapix/vault/'.length) : k)),
  };
});

describe('S3VaultStore', () => {
  it('stores objects with their image type and immutable caching, for serving straight from the bucket', async () => {
    const bucket = await freshBucket();
    const store = open(bucket, { prefix: 'v' });
    await store.put('ab/cd/ef/art.webp', Buffer.from('RIFF'));
    await store.put('ab/cd/art.bmp', Buffer.from('BM'));
    await store.put('ab/cd/notes.txt', Buffer.from('?'));
    const head = (key: string) => raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(await head('v/ab/cd/ef/art.webp')).toMatchObject({ ContentType: 'image/webp', CacheControl: 'public, max-age=31536000, immutable', ContentLength: 4 });
    expect((await head('v/ab/cd/art.bmp')).ContentType).toBe('image/bmp');
    expect((await head('v/ab/cd/notes.txt')).ContentType).toBe('application/octet-stream');
  });

  it('writes the p3a device alias as a second real object, not a link (docs/device-protocol.md §8)', async () => {
    const bucket = await freshBucket();
    const store = open(bucket);
    const key = 'c9bf9e57-1685-4c89-bafb-ff5af830be8a';
    await writeArtworkFiles(store, key, [
      { ext: 'png', bytes: Buffer.from('png-bytes') },
      { ext: 'webp', bytes: Buffer.from('preview'), upscaled: true },
    ]);
    const expected = [canonicalPath(key, 'png'), aliasPath(key, 'png'), upscaledPath(key), upscaledAliasPath(key)];
    expect(await rawKeys(bucket)).toEqual([...expected].sort());
    expect((await store.get(aliasPath(key, 'png')))?.toString()).toBe('png-bytes');
    // Deleting one name leaves the other intact: they are independent objects.
    expect(await store.delete(canonicalPath(key, 'png'))).toBe(true);
    expect((await store.get(aliasPath(key, 'png')))?.toString()).toBe('png-bytes');
  });

  it('skips keys that are not vault paths, as the local walk skips dot files', async () => {
    const bucket = await freshBucket();
    const store = open(bucket);
    await store.put('ab/ok.png', Buffer.from('x'));
    // What other tools leave in a bucket: a console "folder" marker, a dot file.
    for (const Key of ['ab/', 'ab/.partial.png']) {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'junk' }));
    }
    const listed: string[] = [];
    for await (const path of store.list()) listed.push(path);
    expect(listed).toEqual(['ab/ok.png']);
    expect(await rawKeys(bucket)).toEqual(['ab/', 'ab/.partial.png', 'ab/ok.png']);
  });

  it('surfaces a missing bucket and bad credentials as errors, never as a missing file', async () => {
    const missing = open(`missing-${randomBytes(4).toString('hex')}`);
    await expect(missing.get('ab/x.png')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(missing.put('ab/x.png', Buffer.from('x'))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    const bucket = await freshBucket();
    const stranger = open(bucket, { accessKeyId: 'NOT-AN-ACCOUNT' });
    await expect(stranger.put('ab/x.png', Buffer.from('x'))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    await expect(stranger.get('ab/x.png')).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    await expect(stranger.stat('ab/x.png')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect(await rawKeys(bucket)).toEqual([]);
  });

  it('refuses incomplete or unsafe settings when built', () => {
    const base = server.storeOptions();
    expect(() => new S3VaultStore({ ...base, bucket: '' })).toThrow(/bucket/);
    expect(() => new S3VaultStore({ ...base, secretAccessKey: undefined })).toThrow(/both/);
    expect(() => new S3VaultStore({ ...base, prefix: 'a/../b' })).toThrow(VaultPathError);
  });
});

describe('createVaultStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vault-factory-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('builds the local store unless a bucket is configured', async () => {
    const local = await createVaultStore({ dir, minFreeBytes: 123, s3: null });
    expect(local).toBeInstanceOf(LocalVaultStore);
    expect((local as LocalVaultStore).minFreeBytes).toBe(123);
    expect(describeVaultStore({ dir })).toBe(`local:${dir}`);
  });

  it('builds the S3 store when one is, ignoring the disk floor and never touching the local dir', async () => {
    const bucket = await freshBucket();
    const config = { dir, minFreeBytes: Number.MAX_SAFE_INTEGER, s3: server.storeOptions({ bucket, prefix: 'p' }) };
    const store = await createVaultStore(config);
    expect(store).toBeInstanceOf(S3VaultStore);
    // The floor is about local disk; a bucket has no free space to measure (see S3VaultStore).
    await store.put('ab/cd/x.png', Buffer.from('x'));
    await store.close?.();
    expect(await rawKeys(bucket)).toEqual(['p/ab/cd/x.png']);
    expect(await readdir(dir)).toEqual([]);
    expect(describeVaultStore(config)).toBe(`s3:${server.endpoint}/${bucket}/p`);
    expect(describeVaultStore(config)).not.toContain('S3RVER');
  });
});
