/**
 * Where an accepted upload waits for process-artwork (SPEC.md §2, §6): the api writes the original
 * bytes to `{VAULT_INCOMING_DIR}/{incomingUploadFileName(storage_key)}` before enqueueing the job,
 * the worker reads them from there and removes the file once the post is ready or has failed.
 * The job itself carries only the post id (ARCHITECTURE.md convention 8).
 */
export const INCOMING_UPLOAD_SUFFIX = '.upload';

export function incomingUploadFileName(storageKey: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(storageKey)) {
    throw new Error(`invalid storage key: ${JSON.stringify(storageKey)}`);
  }
  return `${storageKey}${INCOMING_UPLOAD_SUFFIX}`;
}
