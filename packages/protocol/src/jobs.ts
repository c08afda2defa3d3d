import { z } from 'zod';

// docs/product.md §6 / docs/architecture.md §3.8: background jobs carry ids and links, never blobs or secrets.
export const JOB_NAMES = [
  'process-artwork',
  'send-email',
  'mark-stale-players-offline',
  'cleanup',
  'renew-crl',
  'verify-vault',
  'notification-digest',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * One queue per kind of load, so a burst of uploads never delays mail and scheduled upkeep never
 * waits behind image work.
 */
export const QUEUE_NAMES = ['artwork', 'email', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  'process-artwork': 'artwork',
  'send-email': 'email',
  'mark-stale-players-offline': 'maintenance',
  cleanup: 'maintenance',
  'renew-crl': 'maintenance',
  'verify-vault': 'maintenance',
  // Only finds who is due and enqueues their send-email jobs: upkeep, not mail delivery itself.
  'notification-digest': 'maintenance',
};

/** How often a scheduled job runs: every so many ms (from its first run), or a cron pattern in UTC. */
export type JobSchedule = { everyMs: number } | { cronUtc: string };

/** docs/product.md §6 "When" column for the scheduled jobs. */
export const JOB_SCHEDULES: Partial<Record<JobName, JobSchedule>> = {
  'mark-stale-players-offline': { everyMs: 60_000 },
  cleanup: { everyMs: 60 * 60_000 },
  'renew-crl': { everyMs: 24 * 60 * 60_000 },
  'verify-vault': { everyMs: 6 * 60 * 60_000 },
  // At 00:00 UTC: the digest covers the UTC day that just ended (notification-digest.ts).
  'notification-digest': { cronUtc: '0 0 * * *' },
};

/** docs/device-protocol.md §4: no status for 3 minutes means offline. */
export const PLAYER_STALE_AFTER_MS = 3 * 60_000;

const id = z.int().positive();

export const processArtworkJobSchema = z.object({ postId: id });

/** The most notifications one digest lists; the inbox has the rest. */
export const DIGEST_MAX_NOTIFICATIONS = 1000;

export const EMAIL_TEMPLATES = ['verify-email', 'reset-password', 'sign-up-attempt', 'notification-digest'] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export const sendEmailJobSchema = z.discriminatedUnion('template', [
  z.object({ template: z.literal('verify-email'), to: z.email(), userId: id, verifyUrl: z.url() }),
  z.object({ template: z.literal('reset-password'), to: z.email(), userId: id, resetUrl: z.url() }),
  // Issue 11 §4: someone signed up with an address that has an account; its owner is told instead.
  z.object({ template: z.literal('sign-up-attempt'), to: z.email(), userId: id, resetUrl: z.url() }),
  z.object({
    template: z.literal('notification-digest'),
    to: z.email(),
    userId: id,
    notificationIds: z.array(id).min(1).max(DIGEST_MAX_NOTIFICATIONS),
    inboxUrl: z.url(),
  }),
]);

export const CLEANUP_TASKS = [
  'registration-codes',
  'deleted-posts',
  'expired-tokens',
  'old-notifications',
  'retired-vault-files',
] as const;
export type CleanupTask = (typeof CLEANUP_TASKS)[number];

export const jobPayloadSchemas = {
  'process-artwork': processArtworkJobSchema,
  'send-email': sendEmailJobSchema,
  'mark-stale-players-offline': z.object({
    staleAfterMs: z.int().positive().default(PLAYER_STALE_AFTER_MS),
  }),
  cleanup: z.object({
    tasks: z.array(z.enum(CLEANUP_TASKS)).min(1).default([...CLEANUP_TASKS]),
  }),
  'renew-crl': z.object({ force: z.boolean().default(false) }),
  // Resumable in chunks: a killed worker restarts after the last post it finished.
  'verify-vault': z.object({ afterPostId: z.int().min(0).default(0) }),
  // docs/product.md §6 send-email "notifications digest": daily, over the unread notifications of the previous UTC day.
  'notification-digest': z.object({}),
} as const satisfies Record<JobName, z.ZodType>;

export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloadSchemas)[N]>;
export type JobPayloadInput<N extends JobName> = z.input<(typeof jobPayloadSchemas)[N]>;
export type ProcessArtworkJob = JobPayload<'process-artwork'>;
export type SendEmailJob = JobPayload<'send-email'>;

export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobPayloadSchemas[name].parse(data) as JobPayload<N>;
}

/**
 * Deterministic job ids, so enqueueing twice for the same entity is a no-op (docs/product.md §6). BullMQ
 * refuses `:` in custom ids, hence the dashes.
 */
const idPart = (part: string | number): string => String(part).replace(/[^A-Za-z0-9_-]/g, '-');

export const jobIds = {
  processArtwork: (postId: number, storageKey: string) => `process-artwork-${postId}-${idPart(storageKey)}`,
  verifyEmail: (userId: number, tokenId: string | number) => `verify-email-${userId}-${idPart(tokenId)}`,
  resetPassword: (userId: number, tokenId: string | number) => `reset-password-${userId}-${idPart(tokenId)}`,
  signUpAttempt: (userId: number, tokenId: string | number) => `sign-up-attempt-${userId}-${idPart(tokenId)}`,
  /** One digest per member per UTC day (`YYYY-MM-DD`): a second run the same day is a no-op. */
  notificationDigest: (userId: number, utcDate: string) => `notification-digest-${userId}-${idPart(utcDate)}`,
} as const;
