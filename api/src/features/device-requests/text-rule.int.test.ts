import { players } from '@makapix/db';
import {
  deviceRequestSchema,
  httpViewEventSchema,
  promotedFeedQuerySchema,
  provisionRequestSchema,
  registerRequestSchema,
  topics,
  viewEventSchema,
} from '@makapix/protocol';
import { textCases } from '@makapix/protocol/text-walk';
import { eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import type { MqttClient } from 'mqtt';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp, type TestMember } from '../../../test/fixtures/accounts.ts';
import { connectAsFirmware } from '../../../test/fixtures/mtls-device.ts';
import { createWiredApp, type ProvisionedPlayer, provisionPlayer, waitFor, type WiredApp } from '../../../test/fixtures/players.ts';

// Issue 11 §1, device plane: every string of every device request and event, walked from the
// schemas, carrying U+0000 or a lone surrogate, is refused with the device plane's error answer —
// over MQTT (a real mTLS session, as the firmware) and over HTTPS — never a 5xx nor `internal_error`.

const BAD = ['x\u0000y', 'x\uD800'];
let t: WiredApp;
let owner: TestMember;
let player: ProvisionedPlayer;
let device: MqttClient;
const answers = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  t = await createWiredApp();
  owner = await createMember(t);
  player = await provisionPlayer(t, owner);
  device = await connectAsFirmware(t, player.key, player.credentials);
  device.on('message', (topic, payload) => answers.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>));
  await device.subscribeAsync([`makapix/player/${player.key}/response/#`, topics.viewAck(player.key)], { qos: 1 });
});
afterAll(async () => {
  await device?.endAsync(true);
  await t?.close();
});

/** The request schemas, one per request_type, each walked string by string. */
const requestOptions = (deviceRequestSchema as unknown as { options: z.ZodType[] }).options;
const requestCases = requestOptions.flatMap((schema) => BAD.flatMap((bad) => textCases(schema, bad).map((c) => ({ ...c, bad }))));

let counter = 0;
const rid = () => (++counter).toString(16).padStart(32, '0');

describe('device requests (docs/device-protocol.md §5)', () => {
  it('the walk reaches every request type', () => {
    const types = new Set(requestCases.map((c) => (c.value as { request_type: string }).request_type));
    expect(types.size).toBe(requestOptions.length);
  });

  it.each(requestCases.map((c) => [`${(c.value as { request_type: string }).request_type}.${c.path} = ${JSON.stringify(c.bad)}`, c] as const))(
    'MQTT and HTTPS refuse %s',
    async (_label, c) => {
      const walked = c.value as Record<string, unknown>;
      const body = c.path === 'player_key' ? walked : { ...walked, player_key: player.key };
      // MQTT: the request id is the topic's; the body's own fields go as walked (player_key too).
      const id = rid();
      await device.publishAsync(topics.request(player.key, id), JSON.stringify({ ...body, request_id: c.path === 'request_id' ? body.request_id : id }), { qos: 1 });
      const answer = await waitFor(() => answers.get(topics.response(player.key, id)), 10_000, `the answer to ${id}`);
      expect(answer.success).toBe(false);
      expect(answer.error_code).not.toBe('internal_error');
      // docs/device-protocol.md §5: a bad criterion is `invalid_criteria`; any other invalid field `invalid_request`.
      const expected = c.path.startsWith('criteria.') ? 'invalid_criteria' : 'invalid_request';
      expect(answer.error_code).toBe(expected);

      // HTTPS: same body; a body player_key must name the token's player (403) — it cannot.
      const res = await t.app.inject({ method: 'POST', url: '/api/player/rpc', headers: player.deviceAuth, payload: { ...body, request_id: c.path === 'request_id' ? body.request_id : rid() } });
      expect(res.statusCode).toBeLessThan(500);
      if (c.path === 'player_key') {
        expect(res.json().error.code).toBe('player_key_mismatch');
      } else {
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ success: false, error_code: expected });
      }
    },
  );
});

describe('view events (docs/device-protocol.md §7)', () => {
  const mqttCases = BAD.flatMap((bad) => textCases(viewEventSchema, bad).map((c) => ({ ...c, bad })));
  it.each(mqttCases.map((c) => [`${c.path} = ${JSON.stringify(c.bad)}`, c] as const))('MQTT refuses %s (view/ack invalid_request)', async (_label, c) => {
    answers.delete(topics.viewAck(player.key));
    const body = { ...(c.value as Record<string, unknown>), request_ack: true };
    await device.publishAsync(topics.view(player.key), JSON.stringify(body), { qos: 1 });
    const ack = await waitFor(() => answers.get(topics.viewAck(player.key)), 10_000, 'the view ack');
    expect(ack).toMatchObject({ success: false, error_code: 'invalid_request' });
  });

  const httpCases = BAD.flatMap((bad) => textCases(httpViewEventSchema, bad).map((c) => ({ ...c, bad })));
  it.each(httpCases.map((c) => [`${c.path} = ${JSON.stringify(c.bad)}`, c] as const))('HTTPS refuses %s with 400 validation_error', async (_label, c) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/player/events/view', headers: player.deviceAuth, payload: c.value as object });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_error');
  });
});

describe('provisioning (docs/device-protocol.md §2)', () => {
  const cases: [string, z.ZodType, (value: unknown) => InjectOptions][] = [
    ['provision', provisionRequestSchema, (value) => ({ method: 'POST', url: '/api/player/provision', headers: { 'x-forwarded-for': nextIp() }, payload: value as object })],
    ['register', registerRequestSchema, (value) => ({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: value as object })],
    [
      'promoted feed query',
      promotedFeedQuerySchema,
      (value) => ({ method: 'GET', url: '/api/feed/promoted', query: Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)])) }),
    ],
  ];
  // A URL cannot carry a lone surrogate (UTF-8 has no encoding for one; `%ED%A0%80` decodes to
  // U+FFFD), so query strings are walked with U+0000 only.
  const walked = cases.flatMap(([name, schema, request]) =>
    (name.endsWith('query') ? BAD.slice(0, 1) : BAD).flatMap((bad) => textCases(schema, bad).map((c) => ({ name, request, ...c, bad }))),
  );

  it.each(walked.map((c) => [`${c.name}: ${c.path} = ${JSON.stringify(c.bad)}`, c] as const))('refuses %s with 400 validation_error', async (_label, c) => {
    const res = await t.app.inject(c.request(c.value));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('validation_error');
  });

  it('an encoded lone surrogate in a query string is no server error', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/feed/promoted?cursor=%ED%A0%80&fields=%ED%A0%80' });
    expect(res.statusCode).toBeLessThan(500);
  });

  it('a refused status payload (firmware_version with U+0000) is dropped, and the consumer goes on', async () => {
    await device.publishAsync(topics.status(player.key), JSON.stringify({ player_key: player.key, status: 'online', firmware_version: 'v\u00001' }), { qos: 1 });
    await device.publishAsync(topics.status(player.key), JSON.stringify({ player_key: player.key, status: 'online', firmware_version: 'v2' }), { qos: 1 });
    await waitFor(async () => (await t.app.db.select().from(players).where(eq(players.playerKey, player.key)))[0]?.firmwareVersion === 'v2', 10_000, 'the valid status');
  });
});
