/**
 * The V8 side of a Node broker's memory, read inside its process (a diagnostic next to the RSS the
 * orchestrator reads from /proc; Mosquitto has no equivalent). Shared by every Node contender.
 */
export interface MemoryDetail {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  sessions: number;
}

export function memoryDetail(sessions: number): MemoryDetail {
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, sessions };
}

/** After a full GC: what the heap retains, without garbage not yet collected. */
export function memoryDetailAfterGc(sessions: () => number): MemoryDetail {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('start with --expose-gc');
  gc();
  return memoryDetail(sessions());
}
