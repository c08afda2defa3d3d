// docs/device-protocol.md §7 and issue 12: a p3a can boot and connect before SNTP has set its clock; until then
// it stamps every status and view with the epoch, `1970-01-01T00:00:00Z` (the firmware's strftime of
// time() ≈ 0). The server must still treat it as online (liveness is judged by the server clock).
export const UNSYNCED_TIMESTAMP = '1970-01-01T00:00:00Z';

export interface DeviceClock {
  /** Wall time in ms as the device believes it (only meaningful once synced). */
  now(): number;
  synced(): boolean;
  /** The ISO-8601 UTC timestamp the firmware would put in a payload. */
  stamp(): string;
}

export interface ClockOptions {
  /** Added to the host clock: lets a test put the device near its certificate's expiry. */
  offsetMs?: number;
  /** Milliseconds after boot until SNTP syncs; Infinity = never (a device without network time). */
  syncAfterMs?: number;
}

export function createDeviceClock(opts: ClockOptions = {}): DeviceClock {
  const bootedAt = Date.now();
  const offset = opts.offsetMs ?? 0;
  const syncAfter = opts.syncAfterMs ?? 0;
  const synced = () => Date.now() - bootedAt >= syncAfter;
  return {
    now: () => Date.now() + offset,
    synced,
    // Whole seconds, `Z`: the firmware formats with "%Y-%m-%dT%H:%M:%SZ".
    stamp: () => (synced() ? `${new Date(Date.now() + offset).toISOString().slice(0, 19)}Z` : UNSYNCED_TIMESTAMP),
  };
}
