// @makapix/worker: the BullMQ worker (docs/product.md §6), importable so tests and the dev command run it in-process.
export { type WorkerConfig, type WorkerEnv, loadConfig } from './config.ts';
export { type RunningWorker, type StartWorkerOptions, startWorker } from './start-worker.ts';
export { type JobDefinition, type JobRegistry, RegistryError, buildRegistry, defineJob } from './registry.ts';
export { ALL_JOBS } from './jobs/index.ts';
