import { CLEANUP_TASKS } from '@makapix/protocol';
import { defineJob } from '../registry.ts';
import { CLEANUP_RUNNERS } from '../maintenance/cleanup-tasks.ts';

/**
 * docs/product.md §6 cleanup (hourly): each task is one idempotent sweep, run in CLEANUP_TASKS order so a
 * purged post's files go in the same run. A failing task fails the job (retried); the others have
 * already committed and simply find less to do next time.
 */
export const cleanupJob = defineJob('cleanup', async ({ tasks }, ctx) => {
  const counts: Partial<Record<string, number>> = {};
  for (const task of CLEANUP_TASKS) {
    if (!tasks.includes(task)) continue;
    counts[task] = await CLEANUP_RUNNERS[task](ctx);
  }
  ctx.log.info({ counts }, 'cleanup done');
  return counts;
});
