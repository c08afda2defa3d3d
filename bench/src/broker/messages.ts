/** RPC arguments and results between the orchestrator (main.ts) and its child processes. */

export interface DeviceInit {
  fleetFile: string;
  caFile: string;
  /** This process's share of the fleet: indices [start, end). */
  start: number;
  end: number;
}

export interface ConnectArgs {
  port: number;
  ratePerSec: number;
  maxInFlight: number;
  timeoutMs: number;
}

export interface ConnectResult {
  attempted: number;
  ready: number;
  failed: number;
  errors: string[];
  /** CONNACK + SUBACK of the three device subscriptions, ms from the start of the TCP connect. */
  readyMs: number[];
  firstStartAt: number;
  lastReadyAt: number;
}

export interface FanoutCollect {
  received: number;
  latencies: number[];
  firstAt: number;
  lastAt: number;
}

export interface RrArgs {
  ratePerSec: number;
  durationMs: number;
  /** Rotates which of this process's players sends first (spreads the echo rate limit). */
  offset: number;
  timeoutMs: number;
}

export type RequestTiming = [requestId: string, sentAt: number, handledAt: number, answeredAt: number];

export interface RrResult {
  sent: number;
  ok: number;
  lost: number;
  failures: Record<string, number>;
  latencies: number[];
  /** Answered requests: id, send time, the handler's `received_at` (ms clock, NaN if absent), receipt. */
  timings: RequestTiming[];
  firstSentAt: number;
  lastAnsweredAt: number;
}

export interface DeviceStatus {
  ready: number;
  /** Sessions that were ready and closed without being asked to. */
  dropped: number;
}

export interface ServiceConnectArgs {
  url: string;
  username: string;
  password: string;
}

export interface FanoutArgs {
  fleetFile: string;
  count: number;
  ratePerSec: number;
  maxInFlight: number;
  timeoutMs: number;
}

export interface FanoutSendResult {
  sent: number;
  acked: number;
  errors: string[];
  startedAt: number;
  endedAt: number;
}

export interface ResponderStats {
  answered: number;
}
