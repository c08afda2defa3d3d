import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { players } from '@makapix/db';
import { issueClientCert } from '@makapix/pki';
import { firmwareClientId, lastWillPayload, newRequestId, topics } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createMember } from '../../../test/fixtures/accounts.ts';
import { createSharedStack, eventually, insertArtwork } from '../../../test/fixtures/device-plane.ts';
import { startTestBroker, type TestBroker } from '@makapix/testbed';
import type { TestApp } from '../../../test/helpers.ts';

// End to end on loopback: a device with a platform-issued client certificate talks to the real
// broker over mTLS; the broker appends to the inbox stream; the api consumes it and answers through
// the broker's internal listener (docs/device-protocol.md §3–§5, §7).

let stack: Awaited<ReturnType<typeof createSharedStack>>;
let broker: TestBroker;
let t: TestApp;
let device: MqttClient | undefined;

beforeAll(async () => {
  stack = await createSharedStack();
  broker = await startTestBroker(stack);
  t = await stack.start(broker.apiEnv);
  await eventually(async () => t.app.mqtt.connected, 10_000, 'api connected to the broker');
}, 120_000);

afterAll(async () => {
  device?.end(true);
  // The broker first: dropping the database would cut its PostgreSQL connections under it.
  await broker?.stop();
  await stack?.close();
});

function nextMessage(client: MqttClient, topic: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic}`)), timeoutMs);
    client.on('message', function onMessage(got: string, payload: Buffer) {
      if (got !== topic) return;
      clearTimeout(timer);
      client.removeListener('message', onMessage);
      resolve(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
    });
  });
}

describe('device ⇄ broker ⇄ api', () => {
  it('an mTLS device gets its query_posts answer on response/{id}, its view ack, and shows online', async () => {
    const owner = await createMember(t);
    const artist = await createMember(t);
    const art = await insertArtwork(t, artist.id);
    const key = crypto.randomUUID();
    const ca = { certPem: await readFile(path.join(inject('caDir'), 'ca.pem'), 'utf8'), keyPem: await readFile(path.join(inject('caDir'), 'ca-key.pem'), 'utf8') };
    const cert = issueClientCert({ ca, playerKey: key });
    const [player] = await t.app.db
      .insert(players)
      .values({ playerKey: key, ownerId: owner.id, name: 'e2e', registeredAt: new Date(), certSerial: cert.serial, certNotAfter: cert.notAfter, certPem: cert.certPem })
      .returning({ id: players.id });

    const client = mqtt.connect({
      protocol: 'mqtts',
      host: 'localhost',
      port: broker.broker.ports.mtls,
      ca: ca.certPem,
      cert: cert.certPem,
      key: cert.keyPem,
      clientId: firmwareClientId(key),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      will: { topic: topics.status(key), payload: Buffer.from(lastWillPayload(key)), qos: 1, retain: false },
    });
    device = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync([topics.command(key), topics.responses(key), topics.viewAck(key)], { qos: 1 });

    const requestId = newRequestId();
    const answer = nextMessage(client, topics.response(key, requestId));
    await client.publishAsync(
      topics.request(key, requestId),
      JSON.stringify({ request_id: requestId, request_type: 'query_posts', player_key: key, channel: 'by_user', user_sqid: artist.sqid }),
      { qos: 1 },
    );
    expect(await answer).toMatchObject({ request_id: requestId, success: true, has_more: false, posts: [{ post_id: art.id, storage_key: art.storageKey, kind: 'artwork' }] });

    const ack = nextMessage(client, topics.viewAck(key));
    await client.publishAsync(
      topics.view(key),
      JSON.stringify({ post_id: art.id, timestamp: new Date().toISOString(), intent: 'artwork', player_key: key, request_ack: true }),
      { qos: 1 },
    );
    expect(await ack).toEqual({ success: true });

    await client.publishAsync(topics.status(key), JSON.stringify({ player_key: key, status: 'online', current_post_id: art.id, firmware_version: 'e2e-1' }), { qos: 1 });
    await eventually(async () => (await t.app.db.select().from(players).where(eq(players.id, player!.id)))[0]?.status === 'online', 10_000, 'online');
    // The last will on an abrupt disconnect (the broker publishes it into the inbox) → offline.
    client.stream.destroy();
    await eventually(async () => (await t.app.db.select().from(players).where(eq(players.id, player!.id)))[0]?.status === 'offline', 15_000, 'LWT offline');
  }, 60_000);
});
