// The worker's real job handlers, for the api's integration tests that check a hand-off end to end
// (the api enqueues or writes, the worker's handler runs in-process on the same database, Redis and
// vault). Tests reach the worker through this package so the api deployable never depends on it.
export type { JobContext } from '@makapix/worker/context';
export { loadConfig as loadWorkerConfig } from '@makapix/worker/config';
export { createLogger } from '@makapix/worker/logger';
export { createMailer, type Mailer } from '@makapix/worker/mail/mailer';
export { sendEmailJob } from '@makapix/worker/jobs/send-email';
export { markStalePlayersOfflineJob } from '@makapix/worker/jobs/mark-stale-players-offline';
export { processArtworkJob } from '@makapix/worker/jobs/process-artwork';
