import { z } from 'zod';
import { playerKeySchema } from './identity.ts';
import { parsePlayerTopic, TOPIC_RULES, type PlayerTopicKind } from './topics.ts';

/*
 * The broker ↔ platform bridge (docs/architecture.md §1). Aedes has no shared subscriptions, so
 * device → server messages do not reach the handlers over MQTT: the broker appends every accepted
 * one to a Redis Stream and the api processes consume it through one consumer group, which hands
 * each entry to exactly one consumer however many api processes run. The opposite direction is a
 * pub/sub channel every broker instance listens on, used to cut live sessions (docs/device-protocol.md §1 (ours)).
 */

/** The stream the broker appends to (`XADD makapix:device-inbox MAXLEN ~ 100000 * …`). */
export const DEVICE_INBOX_STREAM = 'makapix:device-inbox';
/** Approximate cap (`MAXLEN ~`): the stream is a hand-off buffer, not an archive. */
export const DEVICE_INBOX_MAXLEN = 100_000;
/** The consumer group the device handlers read with (`XREADGROUP GROUP device-handlers <consumer>`). */
export const DEVICE_INBOX_GROUP = 'device-handlers';

/** docs/device-protocol.md §4: the topic kinds a device publishes, i.e. everything that lands in the inbox. */
export const DEVICE_TO_SERVER_KINDS = ['request', 'command_ack', 'status', 'view', 'capabilities', 'state'] as const;
export type DeviceToServerKind = (typeof DEVICE_TO_SERVER_KINDS)[number];

export function isDeviceToServerKind(kind: PlayerTopicKind): kind is DeviceToServerKind {
  return TOPIC_RULES[kind].direction === 'device_to_server';
}

const flag = z.enum(['0', '1']).transform((v) => v === '1');

/**
 * One stream entry as Redis returns it (every field a string). `player_key`, `kind` and `request_id`
 * are derived by the broker from the topic and re-checked here: the topic is the only source of a
 * message's player (docs/device-protocol.md §4), never a `player_key` in the body.
 */
export const deviceInboxEntrySchema = z
  .object({
    topic: z.string().min(1),
    player_key: playerKeySchema,
    kind: z.enum(DEVICE_TO_SERVER_KINDS),
    /** Only for `request`: the `{request_id}` topic level. */
    request_id: z.string().min(1).optional(),
    /** The MQTT payload decoded as UTF-8 (all device JSON is UTF-8, docs/device-protocol.md preamble). */
    payload: z.string(),
    /** `will` = the broker published the device's last will (docs/device-protocol.md §3: status offline). */
    source: z.enum(['publish', 'will']),
    retain: flag,
    qos: z.enum(['0', '1', '2']).transform(Number),
    client_id: z.string().min(1),
    /** Serial (canonical lower-case hex) of the certificate the session authenticated with. */
    cert_serial: z.string().regex(/^[0-9a-f]+$/),
    broker_id: z.string().min(1),
    received_at: z.iso.datetime(),
  })
  .superRefine((entry, ctx) => {
    const parsed = parsePlayerTopic(entry.topic);
    if (!parsed || parsed.key !== entry.player_key || parsed.kind !== entry.kind || parsed.requestId !== entry.request_id) {
      ctx.addIssue({ code: 'custom', path: ['topic'], message: 'topic does not match player_key / kind / request_id' });
    }
  });
export type DeviceInboxEntry = z.output<typeof deviceInboxEntrySchema>;

export interface DeviceInboxMessage {
  topic: string;
  payload: string;
  source: 'publish' | 'will';
  retain: boolean;
  qos: 0 | 1 | 2;
  clientId: string;
  certSerial: string;
  brokerId: string;
  receivedAt: Date;
}

/**
 * The field/value list for XADD, or null when the topic is not a device → server topic (those never
 * enter the inbox). Field order is fixed so entries read the same in `redis-cli`.
 */
export function encodeDeviceInboxEntry(message: DeviceInboxMessage): string[] | null {
  const parsed = parsePlayerTopic(message.topic);
  if (!parsed || !isDeviceToServerKind(parsed.kind)) return null;
  const fields = ['topic', message.topic, 'player_key', parsed.key, 'kind', parsed.kind];
  if (parsed.requestId !== undefined) fields.push('request_id', parsed.requestId);
  fields.push(
    'payload', message.payload,
    'source', message.source,
    'retain', message.retain ? '1' : '0',
    'qos', String(message.qos),
    'client_id', message.clientId,
    'cert_serial', message.certSerial,
    'broker_id', message.brokerId,
    'received_at', message.receivedAt.toISOString(),
  );
  return fields;
}

/** Parses the flat `[field, value, …]` list XREADGROUP / XRANGE return for one entry. */
export function parseDeviceInboxEntry(fields: readonly string[]) {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
  return deviceInboxEntrySchema.safeParse(record);
}

/** The subset of an ioredis client the inbox writer needs (keeps this package free of Redis). */
export interface DeviceInboxRedis {
  xadd(key: string, ...args: string[]): Promise<string | null>;
}

/** Appends one message; resolves to the entry id, or null when the topic is not device → server. */
export async function appendDeviceInbox(redis: DeviceInboxRedis, message: DeviceInboxMessage): Promise<string | null> {
  const fields = encodeDeviceInboxEntry(message);
  if (!fields) return null;
  return redis.xadd(DEVICE_INBOX_STREAM, 'MAXLEN', '~', String(DEVICE_INBOX_MAXLEN), '*', ...fields);
}

/** Pub/sub channel every broker instance subscribes to; a message cuts a player's live session. */
export const BROKER_KICK_CHANNEL = 'makapix:broker:kick';

/** Why a session is cut (docs/device-protocol.md §1 (ours): revocation, owner banned or gone, player deleted). */
export const KICK_REASONS = [
  'certificate_revoked',
  'player_deleted',
  'owner_banned',
  'owner_deactivated',
  'owner_deleted',
] as const;
export type KickReason = (typeof KICK_REASONS)[number];

/**
 * `{player_key, reason, serial?}`. Without `serial` every session of the player is closed; with it
 * only sessions authenticated by that certificate (so revoking a renewed device's previous serial,
 * docs/device-protocol.md §2.4, does not cut the session that already runs on the new one).
 */
export const kickMessageSchema = z.object({
  player_key: playerKeySchema,
  reason: z.enum(KICK_REASONS),
  serial: z.string().regex(/^[0-9a-f]+$/).optional(),
});
export type KickMessage = z.infer<typeof kickMessageSchema>;

export interface KickRedis {
  publish(channel: string, message: string): Promise<number>;
}

/** Asks every broker to close the player's session(s) now; resolves to the number of brokers reached. */
export async function publishKick(
  redis: KickRedis,
  playerKey: string,
  reason: KickReason,
  options: { serial?: string } = {},
): Promise<number> {
  const message: KickMessage = kickMessageSchema.parse({ player_key: playerKey, reason, ...options });
  return redis.publish(BROKER_KICK_CHANNEL, JSON.stringify(message));
}

/** Parses a kick message; null for anything malformed (a bad message must not crash a broker). */
export function parseKickMessage(raw: string): KickMessage | null {
  try {
    const result = kickMessageSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
