import { JOB_NAMES, JOB_QUEUE, type JobName, type JobPayload, type QueueName, jobPayloadSchemas } from '@makapix/protocol';
import { UnrecoverableError } from 'bullmq';
import type { JobContext } from './context.ts';

/** docs/architecture.md §3.8: one job = one file exporting `{name, schema, handle}`. */
export interface JobDefinition<N extends JobName = JobName, R = unknown> {
  name: N;
  schema: (typeof jobPayloadSchemas)[N];
  // Method syntax on purpose: handlers for specific payloads are stored side by side in one registry.
  handle(payload: JobPayload<N>, ctx: JobContext): Promise<R>;
}

/** Binds a handler to its job name and the payload schema the protocol declares for it. */
export function defineJob<N extends JobName, R>(name: N, handle: (payload: JobPayload<N>, ctx: JobContext) => Promise<R>): JobDefinition<N, R> {
  return { name, schema: jobPayloadSchemas[name], handle };
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

export interface JobRegistry {
  readonly names: readonly JobName[];
  /** The queues that carry at least one registered job (one BullMQ Worker each). */
  readonly queues: readonly QueueName[];
  get(name: string): JobDefinition | undefined;
  /** Validates the payload and runs the handler; an invalid payload can never succeed, so it is unrecoverable. */
  run(name: string, data: unknown, ctx: JobContext): Promise<unknown>;
}

/**
 * Refuses to start (throws) unless every required job name has exactly one handler and every
 * handler names a known job: a job nobody handles would sit in Redis forever, and two handlers
 * for one name would make behaviour depend on load order.
 */
export function buildRegistry(definitions: readonly JobDefinition[], required: readonly JobName[] = JOB_NAMES): JobRegistry {
  const byName = new Map<string, JobDefinition[]>();
  for (const def of definitions) byName.set(def.name, [...(byName.get(def.name) ?? []), def]);
  const problems: string[] = [];
  for (const [name, defs] of byName) {
    if (!(JOB_NAMES as readonly string[]).includes(name)) problems.push(`unknown job name: ${name}`);
    if (defs.length > 1) problems.push(`job ${name} has ${defs.length} handlers`);
  }
  for (const name of required) if (!byName.has(name)) problems.push(`job ${name} has no handler`);
  if (problems.length > 0) throw new RegistryError(`job registry refused:\n  ${problems.join('\n  ')}`);

  const table = new Map(definitions.map((def) => [def.name as string, def]));
  const names = definitions.map((def) => def.name);
  return {
    names,
    queues: [...new Set(names.map((name) => JOB_QUEUE[name]))],
    get: (name) => table.get(name),
    async run(name, data, ctx) {
      const def = table.get(name);
      if (!def) throw new UnrecoverableError(`no handler for job ${name}`);
      const parsed = def.schema.safeParse(data);
      if (!parsed.success) throw new UnrecoverableError(`invalid ${name} payload: ${parsed.error.message}`);
      return def.handle(parsed.data as never, ctx);
    },
  };
}
