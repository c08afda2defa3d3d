import { DEVICE_INBOX_STREAM, parseDeviceInboxEntry } from '@makapix/protocol';
import { Redis } from 'ioredis';
import type { RequestTiming } from './messages.ts';
import { type LatencySummary, summarize } from './stats.ts';

/**
 * Where our request round trip goes (diagnostic). Every request's inbox entry carries the broker's
 * `received_at` (taken before the XADD) and its stream id starts with Redis' own clock at the append;
 * the echo answer carries the api handler's `received_at`. All are millisecond wall clocks of
 * processes on this machine, so each stage is known to about ±1 ms.
 */
export interface RequestStages {
  deviceToBroker: LatencySummary;
  brokerToStream: LatencySummary;
  streamToHandler: LatencySummary;
  handlerToDevice: LatencySummary;
}

const PAGE = 1000;

export async function requestStages(redisUrl: string, timings: readonly RequestTiming[]): Promise<RequestStages | null> {
  const wanted = new Map(timings.map((t) => [t[0], t]));
  const seen = new Map<string, { brokerAt: number; streamAt: number }>();
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    // Newest first: the requests of this phase are the latest entries of the stream.
    let end = '+';
    for (let page = 0; page < 100 && seen.size < wanted.size; page++) {
      const entries = await redis.xrevrange(DEVICE_INBOX_STREAM, end, '-', 'COUNT', PAGE);
      if (entries.length === 0) break;
      for (const [id, fields] of entries) {
        const parsed = parseDeviceInboxEntry(fields);
        if (!parsed.success || parsed.data.kind !== 'request' || !parsed.data.request_id) continue;
        if (!wanted.has(parsed.data.request_id)) continue;
        seen.set(parsed.data.request_id, { brokerAt: Date.parse(parsed.data.received_at), streamAt: Number(id.split('-')[0]) });
      }
      end = `(${entries.at(-1)![0]}`;
    }
  } finally {
    redis.disconnect();
  }
  if (seen.size === 0) return null;
  const stage = (pick: (t: RequestTiming, s: { brokerAt: number; streamAt: number }) => number) =>
    summarize(timings.flatMap((t) => {
      const s = seen.get(t[0]);
      const v = s ? pick(t, s) : Number.NaN;
      return Number.isFinite(v) ? [v] : [];
    }));
  return {
    deviceToBroker: stage((t, s) => s.brokerAt - t[1]),
    brokerToStream: stage((_t, s) => s.streamAt - s.brokerAt),
    streamToHandler: stage((t, s) => t[2] - s.streamAt),
    handlerToDevice: stage((t) => t[3] - t[2]),
  };
}
