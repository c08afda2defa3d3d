import { Writable } from 'node:stream';
import { MAX_SERVER_TO_DEVICE_BYTES } from '@makapix/protocol';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { encodeDevicePayload, mqttPlugin } from './mqtt.ts';

// docs/device-protocol.md §3: the device drops inbound messages over 128 KiB and the server never sends one.

/** A JSON string payload whose minified form is exactly `bytes` long (`{"d":"x…"}`). */
const payloadOf = (bytes: number, fill = 'x') => ({ d: fill.repeat(bytes - '{"d":""}'.length) });

describe('encodeDevicePayload', () => {
  it('passes up to 131,072 bytes of minified JSON and refuses one byte more', () => {
    expect(encodeDevicePayload('t', payloadOf(MAX_SERVER_TO_DEVICE_BYTES))).toHaveLength(131_072);
    const tooBig = () => encodeDevicePayload('makapix/player/k/command', payloadOf(MAX_SERVER_TO_DEVICE_BYTES + 1));
    expect(tooBig).toThrow(AppError);
    expect(tooBig).toThrow(/131073 bytes on makapix\/player\/k\/command.*131072/);
    try {
      tooBig();
    } catch (err) {
      expect(err).toMatchObject({ statusCode: 500, code: 'device_payload_too_large' });
    }
  });

  it('counts UTF-8 bytes, not characters, and sends strings as they are', () => {
    // 'é' is 2 bytes: half as many characters already reach the limit.
    expect(() => encodeDevicePayload('t', { d: 'é'.repeat(MAX_SERVER_TO_DEVICE_BYTES / 2) })).toThrow(/device/);
    expect(encodeDevicePayload('t', '{"a":1}').toString('utf8')).toBe('{"a":1}');
    expect(encodeDevicePayload('t', { a: [1, 2] }).toString('utf8')).toBe('{"a":[1,2]}');
  });
});

describe('app.publishToDevice', () => {
  const logLines: Record<string, unknown>[] = [];
  const app = Fastify({
    logger: {
      level: 'error',
      stream: new Writable({
        write(chunk: Buffer, _enc, done) {
          logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
          done();
        },
      }),
    },
  });
  beforeAll(async () => {
    // Nothing listens on port 1: the size guard must act before (and whatever) the broker state.
    await app.register(mqttPlugin, { url: 'mqtt://127.0.0.1:1', username: 'u', password: 'p' });
    await app.ready();
  });
  afterAll(() => app.close());

  it('refuses an oversized payload with a clear error and logs it; a fitting one goes on to the broker', async () => {
    const topic = 'makapix/player/6f1c2a9e-4b7d-4c1e-9a2b-3c4d5e6f7a8b/command';
    await expect(app.publishToDevice(topic, payloadOf(MAX_SERVER_TO_DEVICE_BYTES + 1))).rejects.toMatchObject({ code: 'device_payload_too_large' });
    expect(logLines.some((l) => l.topic === topic && String(l.msg).includes('over the device limit'))).toBe(true);
    // Within the limit the guard lets it through: here it fails only because no broker is reachable.
    await expect(app.publishToDevice(topic, payloadOf(MAX_SERVER_TO_DEVICE_BYTES))).rejects.toMatchObject({ code: 'service_unavailable' });
  });
});
