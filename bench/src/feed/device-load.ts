import { handleDeviceRequest } from '@makapix/api/features/device-requests/service';
import type { FastifyInstance } from 'fastify';

/**
 * The device `query_posts` round trip, driven inside the api child: a closed loop of `concurrency`
 * workers calling the handler both transports share (api features/device-requests/service.ts:
 * idempotency claim in redis, device context, channel query, post objects, answer cached), for
 * `seconds`. The MQTT/TLS hop is the broker benchmark's business; the HTTPS route would also stop
 * at 60 requests a minute per player (docs/device-protocol.md §5), so the handler is called directly.
 */

export interface DeviceLoadResult {
  requests: number;
  seconds: number;
  failures: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  bytesPerResponse: number;
}

const QUERY = { request_type: 'query_posts', channel: 'all', sort: 'server_order', limit: 50 } as const;

export async function runDeviceLoad(app: FastifyInstance, playerKey: string, vaultBaseUrl: string, concurrency: number, seconds: number): Promise<DeviceLoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let bytes = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const response = await handleDeviceRequest(app, { playerKey, body: { ...QUERY, player_key: playerKey } }, { vaultBaseUrl });
      latencies.push(performance.now() - t0);
      const posts = response?.success ? (response as { posts?: unknown[] }).posts : undefined;
      if (!posts || posts.length !== QUERY.limit) failures++;
      bytes += Buffer.byteLength(JSON.stringify(response));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
  return {
    requests: latencies.length,
    seconds: elapsed,
    failures,
    latencyMs: {
      mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: Number((latencies[latencies.length - 1] ?? 0).toFixed(2)),
    },
    bytesPerResponse: bytes / Math.max(1, latencies.length),
  };
}
