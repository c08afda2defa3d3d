// @makapix/protocol: every shape that crosses a process boundary (docs/architecture.md §3.1).
export * from './identity.ts';
export * from './topics.ts';
export * from './criteria.ts';
export * from './artwork-object.ts';
export * from './playsets.ts';
export * from './requests.ts';
export * from './responses.ts';
export * from './commands.ts';
export * from './device-events.ts';
export * from './provisioning.ts';
export * from './jobs.ts';
export * from './errors.ts';
export * from './http/index.ts';
export * from './heartbeat.ts';
export * from './broker-bridge.ts';
export * from './player-events.ts';
export * from './text.ts';
