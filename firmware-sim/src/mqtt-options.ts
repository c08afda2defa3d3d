import { firmwareClientId, lastWillPayload, topics } from '@makapix/protocol';
import type { IClientOptions } from 'mqtt';

// docs/device-protocol.md §3 / issue 12: the shipping firmware never sets a protocol version, so the ESP-IDF
// client speaks MQTT 3.1 (protocol level 3, protocol name "MQIsdp"). 3.1.1 and 5 are for other players.
export const MQTT_FLAVOURS = ['3.1', '3.1.1', '5'] as const;
export type MqttFlavour = (typeof MQTT_FLAVOURS)[number];

export function protocolOf(flavour: MqttFlavour): { protocolVersion: 3 | 4 | 5; protocolId: 'MQIsdp' | 'MQTT' } {
  if (flavour === '3.1') return { protocolVersion: 3, protocolId: 'MQIsdp' };
  return { protocolVersion: flavour === '5' ? 5 : 4, protocolId: 'MQTT' };
}

export interface ConnectMaterial {
  playerKey: string;
  brokerHost: string;
  brokerPort: number;
  caPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * The CONNECT the firmware sends: mTLS, username = key, no password, client id `p3a-{key}`,
 * keepalive 60 s, clean session, last will `offline` (QoS 1, not retained), and no automatic
 * reconnect in the client (the device backs off itself).
 */
export function firmwareConnectOptions(m: ConnectMaterial, flavour: MqttFlavour, connectTimeoutMs: number): IClientOptions {
  return {
    protocol: 'mqtts',
    host: m.brokerHost,
    port: m.brokerPort,
    ca: m.caPem,
    cert: m.certPem,
    key: m.keyPem,
    // The firmware has TLS 1.3 disabled (docs/device-protocol.md §1); mqtt.js passes this through to tls.connect.
    ...({ maxVersion: 'TLSv1.2' } as object),
    ...protocolOf(flavour),
    clientId: firmwareClientId(m.playerKey),
    username: m.playerKey,
    clean: true,
    keepalive: 60,
    reconnectPeriod: 0,
    connectTimeout: connectTimeoutMs,
    will: { topic: topics.status(m.playerKey), payload: Buffer.from(lastWillPayload(m.playerKey)), qos: 1, retain: false },
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a failed connect counts toward the firmware's "3 failed TLS connects → one forced
 * renewal": a refused handshake or a refused CONNACK does; a broker that is simply not listening
 * (connection refused, timeout) does not, or every broker restart would burn the renewal.
 */
export function isTlsFailure(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'number') return e.code !== 0 && e.code !== 3; // CONNACK refusal, not "server unavailable"
  if (typeof e?.code === 'string') {
    if (NETWORK_CODES.has(e.code)) return false;
    // A reset mid-handshake is what an overloaded broker does too (a reconnect storm); only a TLS
    // alert or a refused CONNACK says the credentials themselves are the problem.
    if (/^ERR_SSL|^ERR_TLS|^EPROTO$/.test(e.code)) return true;
    if (e.code === 'ECONNRESET') return false;
  }
  return typeof e?.message === 'string' && /certificate|ssl|tls|alert|not authorized|bad user/i.test(e.message);
}
