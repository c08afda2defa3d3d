import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type VaultFileStat, type VaultStore, assertRelPath } from './store.ts';

export interface S3VaultStoreOptions {
  bucket: string;
  /** Unset for AWS itself; the base URL of any other S3-compatible server (MinIO, R2, Garage …). */
  endpoint?: string | undefined;
  region: string;
  /** Both or neither; when unset the SDK's default chain applies (AWS_* env, instance role). */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** `bucket` in the path instead of the host name: what MinIO-like servers without DNS need. */
  forcePathStyle?: boolean | undefined;
  /** Vault-relative paths live under this key prefix, so one bucket can hold more than the vault. */
  prefix?: string | undefined;
  /** Keys per ListObjectsV2 page (S3 caps it at 1000); tests lower it to exercise continuation. */
  listPageSize?: number | undefined;
}

/** What Caddy would send for a local file; a bucket serves whatever type the object was stored with. */
const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

/** Vault names are content-addressed by storage key and never rewritten in place (docs/product.md §2). */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

function contentTypeOf(relPath: string): string {
  const ext = relPath.slice(relPath.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** A missing key; a missing bucket (`NoSuchBucket`) is misconfiguration and must stay an error. */
function isNotFound(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

/**
 * The vault in an S3-compatible bucket (docs/product.md §2, §7: what lets several machines share it).
 *
 * One PutObject is atomic per object: readers see the old object or the whole new one, never a
 * partial write, which is the same guarantee the local store gets from temp file + rename.
 *
 * There is no free-space floor here: a bucket has no free space to query, it grows on demand, and its
 * limits (quota, billing) are the provider's; a refused write surfaces as a failed put, which the
 * calling job retries or fails like any other I/O error.
 */
export class S3VaultStore implements VaultStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly listPageSize: number;

  constructor(options: S3VaultStoreOptions) {
    if (!options.bucket) throw new Error('S3 vault: a bucket name is required');
    if (Boolean(options.accessKeyId) !== Boolean(options.secretAccessKey)) {
      throw new Error('S3 vault: set both the access key id and the secret access key, or neither');
    }
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    assertRelPath(this.prefix, { allowEmpty: true });
    this.listPageSize = Math.min(1000, Math.max(1, options.listPageSize ?? 1000));
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint || undefined,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Integrity comes from Content-MD5 (see put), which every S3-compatible server checks; the
      // SDK's newer default CRC trailers are not understood by many of them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Bucket key of a validated vault-relative path. */
  private key(relPath: string): string {
    assertRelPath(relPath);
    return this.prefix ? `${this.prefix}/${relPath}` : relPath;
  }

  async put(relPath: string, bytes: Uint8Array): Promise<void> {
    const Key = this.key(relPath);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: contentTypeOf(relPath),
        CacheControl: CACHE_CONTROL,
        // The server rejects a body that arrives damaged, so a bad transfer never becomes the object.
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
      }),
    );
  }

  async get(relPath: string): Promise<Buffer | null> {
    const Key = this.key(relPath);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array(0);
      // A Buffer view (no copy), like the local store returns.
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async exists(relPath: string): Promise<boolean> {
    return (await this.stat(relPath)) !== null;
  }

  /** A HEAD answer has no body, so a missing bucket also reads as absent here; get and put name it. */
  async stat(relPath: string): Promise<VaultFileStat | null> {
    const Key = this.key(relPath);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { size: out.ContentLength ?? 0, modifiedAt: out.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * DeleteObject succeeds whether or not the key existed, so the HEAD before it is what answers
   * "was a file removed". Two concurrent deletes may both say true; callers only count removals.
   */
  async delete(relPath: string): Promise<boolean> {
    const Key = this.key(relPath);
    if (!(await this.stat(relPath))) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    return true;
  }

  /**
   * Like the local store, `prefix` names a directory: `ab/c` lists `ab/c/…`, not `ab/cd/…`. Keys that
   * are not valid vault paths (console "folder" markers, dot files) are skipped as the local walk skips
   * dot entries. Order is the bucket's key order.
   */
  async *list(prefix = ''): AsyncIterable<string> {
    const dir = prefix.replace(/\/+$/, '');
    assertRelPath(dir, { allowEmpty: true });
    const base = this.prefix ? `${this.prefix}/` : '';
    const Prefix = dir ? `${base}${dir}/` : base;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken, MaxKeys: this.listPageSize }),
      );
      for (const object of page.Contents ?? []) {
        const rel = object.Key?.slice(base.length);
        if (rel && isValidRelPath(rel)) yield rel;
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /**
   * Nothing to sweep: a PutObject is atomic and never leaves a partial or temporary object behind
   * (an interrupted upload simply never becomes an object), so there are no temp files here.
   */
  async sweepTempFiles(): Promise<number> {
    return 0;
  }

  /** Closes the client's pooled connections (a stopping worker). */
  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isValidRelPath(relPath: string): boolean {
  try {
    assertRelPath(relPath);
    return true;
  } catch {
    return false;
  }
}
