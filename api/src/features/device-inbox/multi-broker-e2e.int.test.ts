import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { players } from '@makapix/db';
import { issueClientCert } from '@makapix/pki';
import { firmwareClientId, newRequestId, topics } from '@makapix/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createMember } from '../../../test/fixtures/accounts.ts';
import { createSharedStack, eventually } from '../../../test/fixtures/device-plane.ts';
import { startTestBroker, type TestBroker } from '@makapix/testbed';
import type { TestApp } from '../../../test/helpers.ts';

// README "Several brokers": two brokers sharing their state through Redis, two api processes each
// connected to a different broker, devices on both. Every device request is handled once and
// answered once, whichever broker received it and whichever api consumed it; the answer reaches
// the device through the other broker when needed.

let stack: Awaited<ReturnType<typeof createSharedStack>>;
const brokers: TestBroker[] = [];
const apis: TestApp[] = [];
const devices: MqttClient[] = [];

beforeAll(async () => {
  stack = await createSharedStack();
  // Brokers sharing state need distinct instance ids (Aedes dedupes deliveries per broker id); in one
  // test process the default `{hostname}-{pid}` would be the same for both.
  for (const id of ['mb-a', 'mb-b']) brokers.push(await startTestBroker(stack, { BROKER_SHARED_STATE: 'redis', BROKER_INSTANCE_ID: `${id}-${crypto.randomUUID().slice(0, 8)}` }));
  for (const broker of brokers) {
    const t = await stack.start(broker.apiEnv);
    await eventually(async () => t.app.mqtt.connected, 10_000, 'api connected to its broker');
    apis.push(t);
  }
}, 120_000);

afterAll(async () => {
  // Devices leave first and the apis stop before their brokers, so no session bookkeeping is still
  // writing to the brokers' Redis state while it closes.
  await Promise.all(devices.map((device) => device.endAsync()));
  await stack?.close();
  for (const broker of brokers) await broker.stop();
});

async function connectDevice(t: TestApp, broker: TestBroker, ownerId: number): Promise<{ key: string; client: MqttClient }> {
  const caDir = inject('caDir');
  const ca = { certPem: await readFile(path.join(caDir, 'ca.pem'), 'utf8'), keyPem: await readFile(path.join(caDir, 'ca-key.pem'), 'utf8') };
  const key = crypto.randomUUID();
  const cert = issueClientCert({ ca, playerKey: key });
  await t.app.db
    .insert(players)
    .values({ playerKey: key, ownerId, name: 'multi-broker', registeredAt: new Date(), certSerial: cert.serial, certNotAfter: cert.notAfter, certPem: cert.certPem });
  const client = await mqtt.connectAsync({
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
  });
  devices.push(client);
  await client.subscribeAsync(topics.responses(key), { qos: 1 });
  return { key, client };
}

describe('device requests with two brokers and two api processes', () => {
  it('handles and answers each request exactly once, whichever broker and api are involved', async () => {
    const owner = await createMember(apis[0]!);
    const fleet = [await connectDevice(apis[0]!, brokers[0]!, owner.id), await connectDevice(apis[0]!, brokers[1]!, owner.id)];
    const answers = new Map<string, Record<string, unknown>[]>();
    for (const { client } of fleet) {
      client.on('message', (topic, payload) => {
        const id = topic.split('/').at(-1)!;
        answers.set(id, [...(answers.get(id) ?? []), JSON.parse(payload.toString('utf8')) as Record<string, unknown>]);
      });
    }
    const sent: string[] = [];
    // Five echoes per player (the echo limit is 10 per minute per player).
    await Promise.all(
      fleet.flatMap(({ key, client }) =>
        Array.from({ length: 5 }, (_, i) => {
          const id = newRequestId();
          sent.push(id);
          return client.publishAsync(topics.request(key, id), JSON.stringify({ request_id: id, request_type: 'echo', player_key: key, echo_data: `n${i}` }), { qos: 1 });
        }),
      ),
    );
    await eventually(async () => sent.every((id) => answers.has(id)), 15_000, 'every answer');
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a duplicate would arrive meanwhile
    for (const id of sent) {
      expect(answers.get(id)).toHaveLength(1);
      expect(answers.get(id)![0]).toMatchObject({ request_id: id, success: true });
    }
  }, 60_000);
});
