import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { BenchOptions } from './config.ts';
import { goalTable, type MachineInfo, marginalMemory, memoryBreakdown, metricTables, requestStagesTable } from './report.ts';
import type { RunResult } from './run-contender.ts';

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

export function mosquittoVersion(): string {
  try {
    return execFileSync('/usr/sbin/mosquitto', ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim() ?? 'unknown';
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    return out.split('\n')[0]?.trim() || 'unknown';
  }
}

export function machineInfo(command: string, startedAt: Date, loadStart: string): MachineInfo {
  const cpus = os.cpus();
  return {
    date: startedAt.toISOString(),
    command,
    cpus: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'} (nproc ${os.availableParallelism()})`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    mosquitto: mosquittoVersion(),
    loadStart,
    loadEnd: loadAverage(),
    durationMin: (Date.now() - startedAt.getTime()) / 60_000,
  };
}

/** This benchmark's section of RESULTS.md: context, how the run was set up, the tables and the goals. */
export function resultsDocument(info: MachineInfo, opts: BenchOptions, results: RunResult[]): string {
  return `## Broker: ours (1 and 2 processes) vs bare Aedes vs Mosquitto on the same mTLS fleet workload

* Date: ${info.date} (run took ${info.durationMin.toFixed(1)} min)
* Command: \`${info.command}\`
* Machine: ${info.cpus}, ${info.memory} RAM, ${info.kernel}
* Software: Node ${info.node}, ${info.mosquitto}
* Load average (1 / 5 / 15 min) at start: ${info.loadStart}; at end: ${info.loadEnd}.
  The machine was shared with other work; everything below ran on its ${os.availableParallelism()} cores at once
  (brokers, PostgreSQL, Redis, the api, ${opts.processes} client processes).

### Setup

* **Ours**: \`createBrokerServer\` (broker/src/server.ts) in its own Node process with production
  settings (\`NODE_ENV=production\`, info-level JSON logs, default limits: 120 connections per IP per
  minute, 10,000 connections), real mTLS, a PostgreSQL access check on every CONNECT and every device
  publish appended to the Redis inbox stream. Requests are answered by a real api process
  (\`api/src/server.ts\`, device-inbox consumer + device-requests \`echo\` handler).
* **Ours, 1 process, Redis state**: the same, with \`BROKER_SHARED_STATE=redis\` — Aedes' emitter
  (mqemitter-redis: every publish goes through Redis pub/sub) and persistence (aedes-persistence-redis)
  in Redis, as every broker of a multi-broker fleet runs; fleet-wide connection limits in Redis.
* **Ours, 2 processes**: \`broker/src/main.ts\` with \`BROKER_PROCESSES=2\` exactly as deployed: a
  node:cluster primary sharing both listeners round-robin with two workers, Redis state as above. RSS
  and CPU are summed over the primary and both workers.
* **Redis CPU per message / request**: redis-server's CPU time over the phase divided by the messages
  delivered (requests sent); for the one-process default this is only the inbox stream and the api's
  reads, for the Redis-state brokers it adds the emitter's pub/sub and the persistence.
* **Bare Aedes** (the floor of the fixed stack): Aedes with its default options
  (bench/src/broker/bare-aedes-process.ts) on a Node \`tls.createServer\` with the same CA, certificate,
  CRL and TLS settings as ours, and nothing else of ours: no access check, ACL, limits, inbox or logs.
  Requests are answered by the same minimal echo client as Mosquitto's. What this contender cannot
  reach relative to Mosquitto, no hook or handler of ours can win back.
* **Mosquitto**: Debian's \`/usr/sbin/mosquitto\` with the same CA, server certificate and CRL,
  \`require_certificate true\`, \`use_identity_as_username true\`, \`tls_version tlsv1.2\`, and an ACL
  of \`pattern\` rules equivalent to docs/device-protocol.md §4; a password-protected loopback listener for the
  service account. Requests are answered by a minimal Node client subscribed to
  \`makapix/player/+/request/+\` (raw broker + minimal handler).
* **Same client code for all**: ${opts.processes} Node processes hold the fleet; each device is an
  MQTT 3.1.1 client (\`p3a-{key}\`, keepalive 60, clean session, last will, TLS 1.2, its own certificate
  over one shared RSA-2048 key) that subscribes to \`command\`, \`response/#\` and \`view/ack\`. Devices
  connect from 200 loopback addresses (a real fleet comes from many IPs).
* Phase 1: connect the fleet at up to ${opts.connectRate}/s (${opts.connectWindow} handshakes in flight per
  process), wait ${opts.settleMs / 1000} s, read the broker's VmRSS. Memory per idle connection =
  (RSS with the fleet − RSS before) / connections.
* Phase 2: a service client publishes one \`swap_next\` command per player (QoS 1, send time in the
  payload): a *burst* (${opts.fanoutWindow} unacknowledged at most) for throughput, then a *paced* round at
  ${opts.fanoutRate} commands/s for latency. Latency = receipt on the device − send time.
* Phase 3: devices publish \`echo\` requests at ${opts.rrRate}/s for ${opts.rrSeconds} s (open loop, spread
  over the fleet so no player exceeds the 10/min echo limit) and wait for \`response/{id}\`.
* ↑ = higher is better, ↓ = lower is better. Ratios are to Mosquitto's figure.

${metricTables(results)}
### Goals

${goalTable(results)}

### Marginal memory per connection (diagnostic)

${marginalMemory(results)}

### The Node brokers' memory per connection, broken down (diagnostic)

${memoryBreakdown(results)}

### Where our request round trip goes (diagnostic, p50 / p99 in ms)

Stage boundaries: the broker's \`received_at\` in the inbox entry, Redis' clock in the stream id, the
api handler's \`received_at\` in the answer (all millisecond clocks, ±1 ms). "stream → api handler"
includes the consumer's read and the api's checks before the echo handler runs.

${requestStagesTable(results)}

Device sessions dropped during the runs: ${results.map((r) => `${r.contender} ${r.players}: ${r.dropped}`).join(', ')}.
`;
}
