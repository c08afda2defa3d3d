import { loadConfig } from '@makapix/api/config';
import { recentFeed, type FeedsContext } from '@makapix/api/features/feeds/service';
import { recentPosts } from '@makapix/api/features/feeds/repo';
import { postSummarySchema } from '@makapix/protocol';
import { toPostSummary } from '@makapix/api/domain/post-summary';
import { VISITOR } from '@makapix/api/domain/visibility';
import { createPublicIds } from '@makapix/api/plugins/sqids';
import { createDb } from '@makapix/db';
import { listSchema } from '@makapix/protocol';
import { z } from 'zod';

/**
 * The api's per-request work without HTTP and without concurrency: the feed service called in a
 * loop in this (idle) process, and its pure-CPU steps one by one, on the page the endpoint serves.
 * Same code, same configuration defaults as the contender (sqids alphabet, vault base URL); the
 * service's result must serialize to the endpoint's exact body.
 */

export type StepKey = 'service' | 'feedQuery' | 'present' | 'sqids' | 'serializer';

export interface MicroStep {
  key: StepKey;
  step: string;
  /** CPU of this process per page (one request's worth), ms. */
  cpuMs: number;
  /** Wall time per page, ms (differs from CPU where PostgreSQL is awaited). */
  wallMs: number;
}

function time(key: StepKey, step: string, iterations: number, run: () => unknown): MicroStep {
  for (let i = 0; i < Math.min(50, iterations); i++) run();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { key, step, cpuMs: (used.user + used.system) / 1000 / iterations, wallMs: wall / iterations };
}

async function timeAsync(key: StepKey, step: string, iterations: number, run: () => Promise<unknown>): Promise<MicroStep> {
  for (let i = 0; i < Math.min(20, iterations); i++) await run();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { key, step, cpuMs: (used.user + used.system) / 1000 / iterations, wallMs: wall / iterations };
}

export async function measureSteps(databaseUrl: string, limit: number, body: Buffer, iterations = 300): Promise<MicroStep[]> {
  const config = loadConfig({ NODE_ENV: 'test' });
  const handle = createDb(databaseUrl, { max: 1 });
  try {
    const publicId = createPublicIds(config.sqids.alphabet);
    const ctx: FeedsContext = { app: { db: handle.db, publicId } as unknown as FeedsContext['app'], vaultBaseUrl: config.vault.publicBaseUrl };
    const query = { limit };
    const feedSchema = listSchema(postSummarySchema);
    const serialize = (data: z.output<typeof feedSchema>) => JSON.stringify(z.encode(feedSchema, data));

    const page = await recentFeed(ctx, VISITOR, query);
    if (serialize(page) !== body.toString('utf8')) throw new Error('the feed service, called directly, does not produce the endpoint\'s body');
    const rows = (await recentPosts(handle.db, VISITOR, { beforeId: null, limit })).slice(0, limit);

    return [
      await timeAsync('service', 'feed service `recentFeed`: the query via drizzle + presentation', iterations, () => recentFeed(ctx, VISITOR, query)),
      await timeAsync('feedQuery', '  feed page query alone (drizzle `recentPosts`, owners joined, 51 rows)', iterations, () => recentPosts(handle.db, VISITOR, { beforeId: null, limit })),
      time('present', `  presentation: toPostSummary × ${limit}`, iterations, () => rows.map((r) => toPostSummary(r, r.ownerHandle, publicId, ctx.vaultBaseUrl))),
      time('sqids', `    of which sqids encode × ${2 * limit} (post and owner ids)`, iterations, () => rows.map((r) => [publicId.encode(r.id), publicId.encode(r.ownerId)])),
      time('serializer', 'response serializer: zod encode + JSON.stringify', iterations, () => serialize(page)),
    ];
  } finally {
    await handle.close();
  }
}
