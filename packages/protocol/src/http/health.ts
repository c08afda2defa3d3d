import { z } from 'zod';

// The health probe (GET /api/health): the api, its dependencies and the other processes.


export const probeSchema = z.union([
  z.object({ status: z.literal('up'), latencyMs: z.number() }),
  z.object({ status: z.literal('down'), error: z.string() }),
  z.object({ status: z.literal('absent') }),
]);
export type Probe = z.infer<typeof probeSchema>;

export const healthMemberSchema = z.object({ instanceId: z.string(), pid: z.number().int(), startedAt: z.string(), lastSeenAt: z.string() });
export type HealthMember = z.infer<typeof healthMemberSchema>;

export const processSchema = z.object({
  status: z.enum(['up', 'down', 'absent']),
  instances: z.number().int(),
  lastSeenAt: z.string().nullable(),
  // Each live process (e.g. every broker process of every machine), by instance id.
  members: z.array(healthMemberSchema),
});
export type Process = z.infer<typeof processSchema>;

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  components: z.object({ db: probeSchema, redis: probeSchema, worker: processSchema, broker: processSchema }),
});
export type Health = z.infer<typeof healthSchema>;
