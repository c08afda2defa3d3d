import { JOB_NAMES, JOB_QUEUE } from '@makapix/protocol';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ALL_JOBS } from '../src/jobs/index.ts';
import { RegistryError, buildRegistry, defineJob } from '../src/registry.ts';
import type { JobContext } from '../src/context.ts';

const noop = defineJob('cleanup', async () => 'done');
const ctx = {} as JobContext;

describe('job registry (docs/architecture.md §3.8)', () => {
  it('accepts the real job list: exactly one handler per job name', () => {
    const registry = buildRegistry(ALL_JOBS);
    expect([...registry.names].sort()).toEqual([...JOB_NAMES].sort());
    expect([...registry.queues].sort()).toEqual([...new Set(Object.values(JOB_QUEUE))].sort());
  });

  it('refuses a job name with two handlers', () => {
    const twice = [...ALL_JOBS, defineJob('send-email', async () => undefined)];
    expect(() => buildRegistry(twice)).toThrow(RegistryError);
    expect(() => buildRegistry(twice)).toThrow(/send-email has 2 handlers/);
  });

  it('refuses a job name without a handler, naming every missing one', () => {
    const partial = ALL_JOBS.filter((job) => job.name !== 'verify-vault' && job.name !== 'cleanup');
    expect(() => buildRegistry(partial)).toThrow(/cleanup has no handler[\s\S]*verify-vault has no handler/);
  });

  it('refuses a handler for an unknown job name', () => {
    const stray = { ...noop, name: 'resize-everything' } as unknown as typeof noop;
    expect(() => buildRegistry([stray], [])).toThrow(/unknown job name: resize-everything/);
  });

  it('validates payloads against the protocol schema before the handler runs', async () => {
    const registry = buildRegistry([noop], ['cleanup']);
    await expect(registry.run('cleanup', { tasks: ['bogus'] }, ctx)).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(registry.run('cleanup', {}, ctx)).resolves.toBe('done');
    await expect(registry.run('send-email', {}, ctx)).rejects.toThrow(/no handler for job send-email/);
  });
});
