/**
 * Where an accepted upload waits for process-artwork (SPEC.md §2, §6): the api writes the original
 * bytes to `{VAULT_INCOMING_DIR}/{incomingUploadFileName(storage_key)}` before enqueueing the job,
 * the worker reads them from there and removes the file once the post is ready or has failed.
 * The job itself carries only the post id (ARCHITECTURE.md convention 8).
 */
export const INCOMING_UPLOAD_SUFFIX = '.upload';

const STORAGE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NONCE = /^[0-9a-f]{12}$/;

export function incomingUploadFileName(storageKey: string): string {
  if (!STORAGE_KEY.test(storageKey)) throw new Error(`invalid storage key: ${JSON.stringify(storageKey)}`);
  return `${storageKey}${INCOMING_UPLOAD_SUFFIX}`;
}

/**
 * The name the api writes under before its atomic rename (SPEC.md §2): `{final name}.{12 hex}.tmp`.
 * Named here so the worker's cleanup (SPEC.md §6) can recognise what a crashed api left behind.
 */
export function incomingTempFileName(storageKey: string, nonceHex: string): string {
  if (!NONCE.test(nonceHex)) throw new Error(`invalid temp nonce: ${JSON.stringify(nonceHex)}`);
  return `${incomingUploadFileName(storageKey)}.${nonceHex}.tmp`;
}

/** The storage key an incoming-directory entry belongs to, and whether it is a temp file; null for anything else. */
export function parseIncomingFileName(name: string): { storageKey: string; temp: boolean } | null {
  const temp = /^(.+)\.([0-9a-f]{12})\.tmp$/.exec(name);
  const finalName = temp ? (temp[1] as string) : name;
  if (!finalName.endsWith(INCOMING_UPLOAD_SUFFIX)) return null;
  const storageKey = finalName.slice(0, -INCOMING_UPLOAD_SUFFIX.length);
  return STORAGE_KEY.test(storageKey) ? { storageKey, temp: temp !== null } : null;
}
