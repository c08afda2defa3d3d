export { getFreePort, waitForPort } from './ports.ts';
export { startPostgres, type RunningPostgres, type PostgresOptions } from './postgres.ts';
export { startRedis, type RunningRedis, type RedisOptions } from './redis.ts';
export { startSmtpSink, readMails, extractLinks, type StoredMail, type RunningSmtpSink } from './smtp-sink.ts';
export { MailSinkClient } from './mail-client.ts';
export { ensureDevCa, type DevCa, type DevCaFiles } from './dev-ca.ts';
export { repoRoot, dataRoot, devDataDir, testDataDir } from './paths.ts';
export { allocateRedisDb } from './test-helpers.ts';
