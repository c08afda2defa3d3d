import {
  type Capabilities,
  capabilitiesSchema,
  commandAckSchema,
  type DeviceInboxEntry,
  filterStateByCapabilities,
  type PlayerEvent,
  type PlayerState,
  playerStatusEvent,
  publishPlayerEvent,
  stateSchema,
  statusSchema,
  topics,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { deviceContextOf } from '../device-requests/device-context.ts';
import { CLAIM_LEASE_MS } from '../device-requests/idempotency.ts';
import { findPlayerWithOwner } from '../device-requests/repo.ts';
import { handleDeviceRequest } from '../device-requests/service.ts';
import { recordMqttView } from '../device-requests/views.ts';
import { noteCertificateInUse } from '../players/credentials.ts';
import { applyInStreamOrder } from './player-order.ts';
import { findInboxPlayer, recordCommandAck, saveCapabilities, saveState, updatePresence } from './repo.ts';

export interface InboxSettings {
  vaultBaseUrl: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ACK_ERROR_CHARS = 1000;
/**
 * A duplicate of a request another process is answering waits for that answer and publishes it too
 * (docs/device-protocol.md §5: a retry gets the same response). Past one claim lease, so a claim left by a dead
 * process lapses meanwhile and this delivery answers it (idempotency.ts).
 */
const IN_FLIGHT_WAIT_MS = 2 * CLAIM_LEASE_MS;

/** JSON.parse that never throws: invalid JSON must not crash the consumer. */
function parseJson(payload: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(payload) };
  } catch {
    return { ok: false };
  }
}

function parsePayload<T extends z.ZodType>(schema: T, payload: string): z.infer<T> | null {
  const json = parseJson(payload);
  if (!json.ok) return null;
  const parsed = schema.safeParse(json.value);
  return parsed.success ? parsed.data : null;
}

/**
 * Handles one device → server message from the inbox stream (docs/device-protocol.md §4). The player is the
 * topic's key only. Throws only for infrastructure failures (database, Redis), so the entry stays
 * pending and is retried; anything wrong with the message itself is logged and dropped.
 */
export async function handleInboxEntry(app: FastifyInstance, entry: DeviceInboxEntry, entryId: string, settings: InboxSettings): Promise<void> {
  const key = entry.player_key;
  const log = app.log.child({ playerKey: key, kind: entry.kind, brokerId: entry.broker_id });
  // One query per message: the player, its certificates and its owner (requests and views need all).
  const found = await findPlayerWithOwner(app.db, key);
  const player = found && found.player.deletedAt === null ? found.player : null;

  // docs/device-protocol.md §2.3–2.4 (ours): the session's certificate is in use, so a pending renewal becomes
  // current and a delivered device key is no longer kept.
  if (player) await noteCertificateInUse(app, player, entry.cert_serial);

  switch (entry.kind) {
    case 'request': {
      const json = parseJson(entry.payload);
      const requestId = entry.request_id ?? '';
      const response = await handleDeviceRequest(
        app,
        { playerKey: key, body: json.ok ? json.value : entry.payload, requestId },
        { vaultBaseUrl: settings.vaultBaseUrl, waitForInFlightMs: IN_FLIGHT_WAIT_MS, context: deviceContextOf(found) },
      );
      if (response) await publish(app, topics.response(key, requestId), response);
      else log.info({ requestId }, 'request still answered by another live process; it publishes the response');
      return;
    }
    case 'view': {
      const ack = await recordMqttView(app, key, entry.payload, deviceContextOf(found));
      if (ack) await publish(app, topics.viewAck(key), ack);
      return;
    }
    default:
      break;
  }

  if (!player || player.registeredAt === null || player.ownerId === null) {
    log.debug('message from a player that is not registered: ignored');
    return;
  }
  const ownerId = player.ownerId;
  const event = await applyPresenceMessage(app, entry, entryId, player);
  if (event === null) log.debug('invalid payload dropped');
  else if (event !== undefined) await publishPlayerEvent(app.redis, ownerId, event);
}

/**
 * status / capabilities / state / command ack → the stored change as an owner event (null: invalid
 * payload; undefined: nothing to tell, e.g. superseded by a newer message of the same kind).
 */
async function applyPresenceMessage(
  app: FastifyInstance,
  entry: DeviceInboxEntry,
  entryId: string,
  player: { id: number },
): Promise<PlayerEvent | null | undefined> {
  const base = { playerKey: entry.player_key, at: new Date().toISOString() };
  const inOrder = async <T>(apply: () => Promise<T>): Promise<T | undefined> => {
    const done = await applyInStreamOrder(app.redis, entry.player_key, entry.kind, entryId, apply);
    return done.applied ? done.result : undefined;
  };
  switch (entry.kind) {
    case 'status': {
      // docs/device-protocol.md §3: the last will (published by the broker) always means offline.
      const status = entry.source === 'will' ? null : parsePayload(statusSchema, entry.payload);
      if (entry.source !== 'will' && status === null) return null;
      const row = await inOrder(() =>
        updatePresence(
          app.db,
          player.id,
          status?.status === 'online'
            ? { status: 'online', currentPostId: status.current_post_id, firmwareVersion: status.firmware_version }
            : { status: 'offline' },
        ),
      );
      return row ? playerStatusEvent(entry.player_key, row) : undefined;
    }
    case 'capabilities': {
      const capabilities = parsePayload(capabilitiesSchema, entry.payload);
      if (!capabilities) return null;
      const applied = await inOrder(async () => {
        // Read inside the lock: the stored state is re-filtered against the new capabilities.
        const fresh = await findInboxPlayer(app.db, entry.player_key);
        const state = filterStateByCapabilities(storedState(fresh?.state), capabilities);
        await saveCapabilities(app.db, player.id, capabilities, state);
        return true;
      });
      return applied ? { ...base, type: 'capabilities', data: capabilities } : undefined;
    }
    case 'state': {
      const partial = parsePayload(stateSchema, entry.payload);
      if (!partial) return null;
      const state = await inOrder(async () => {
        const fresh = await findInboxPlayer(app.db, entry.player_key);
        const parsed = capabilitiesSchema.safeParse(fresh?.capabilities ?? {});
        const capabilities: Capabilities | null = parsed.success ? parsed.data : null;
        // docs/device-protocol.md §6: only advertised features, only in-range values; a partial update merges.
        const merged = { ...filterStateByCapabilities(storedState(fresh?.state), capabilities), ...filterStateByCapabilities(partial, capabilities) };
        await saveState(app.db, player.id, merged);
        return merged;
      });
      return state ? { ...base, type: 'state', data: state } : undefined;
    }
    case 'command_ack': {
      const ack = parsePayload(commandAckSchema, entry.payload);
      if (!ack || !UUID_RE.test(ack.command_id)) return null;
      const row = await recordCommandAck(app.db, player.id, {
        commandId: ack.command_id.toLowerCase(),
        status: ack.status,
        error: ack.error === null ? null : ack.error.slice(0, MAX_ACK_ERROR_CHARS),
      });
      if (!row) return undefined;
      return {
        ...base,
        type: 'command_ack',
        data: { commandId: row.commandId, status: row.ackStatus, error: row.ackError, ackedAt: row.ackedAt.toISOString() },
      };
    }
    default:
      return undefined;
  }
}

const storedState = (raw: unknown): PlayerState => stateSchema.catch({}).parse(raw ?? {});

/** Server → device publish; an unreachable broker is logged, not retried (the device retries). */
async function publish(app: FastifyInstance, topic: string, payload: unknown): Promise<void> {
  try {
    await app.publishToDevice(topic, payload);
  } catch (err) {
    app.log.warn({ err, topic }, 'could not publish to the device');
  }
}
