import { describe, expect, it } from 'vitest';
import { inspectFirstByte, inspectInbound, type InboundState } from './inbound-rules.ts';
import { encodeFrame, FrameSplitter } from './mqtt-wire.ts';

const str = (s: string) => Buffer.concat([Buffer.from([0, Buffer.byteLength(s)]), Buffer.from(s)]);
const connect = (level: number, flags = 0x02) => encodeFrame(0x10, Buffer.concat([str(level === 3 ? 'MQIsdp' : 'MQTT'), Buffer.from([level, flags, 0, 60]), level === 5 ? Buffer.from([0]) : Buffer.alloc(0), str('id')]));

function frameOf(bytes: Buffer) {
  const splitter = new FrameSplitter(1024);
  splitter.append(bytes);
  const next = splitter.next();
  if (next.kind !== 'frame') throw new Error(next.kind);
  return next.frame;
}

function connected(level: 3 | 4 | 5): InboundState {
  const state: InboundState = { version: undefined };
  expect(inspectInbound(state, frameOf(connect(level)))).toEqual({ ok: true });
  return state;
}

describe('FrameSplitter', () => {
  it('waits for a whole frame, then hands out one frame at a time', () => {
    const splitter = new FrameSplitter(1024);
    const two = Buffer.concat([encodeFrame(0xc0, Buffer.alloc(0)), encodeFrame(0x40, Buffer.from([0, 1]))]);
    splitter.append(two.subarray(0, 3));
    expect(splitter.next()).toMatchObject({ kind: 'frame', frame: { type: 12 } });
    expect(splitter.next()).toEqual({ kind: 'incomplete' });
    splitter.append(two.subarray(3));
    expect(splitter.next()).toMatchObject({ kind: 'frame', frame: { type: 4 } });
  });

  it('refuses a five-byte remaining length and a frame above the limit from its header alone', () => {
    const splitter = new FrameSplitter(1024);
    splitter.append(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(splitter.next()).toEqual({ kind: 'malformed_length' });
    const small = new FrameSplitter(100);
    small.append(Buffer.from([0x30, 0xc8, 0x01]));
    expect(small.next()).toEqual({ kind: 'too_large', declaredBytes: 203 });
  });
});

describe('inspectInbound', () => {
  it('wants CONNECT first (MQTT-3.1.0-1) and checks fixed-header flags (MQTT-2.2.2-2)', () => {
    expect(inspectFirstByte({ version: undefined }, 0xc0)).toMatchObject({ ok: false });
    expect(inspectFirstByte({ version: 4 }, 0x82)).toEqual({ ok: true });
    expect(inspectFirstByte({ version: 4 }, 0x80)).toMatchObject({ ok: false });
  });

  it('answers an unknown protocol level with a 3.1.1 CONNACK 0x01 (MQTT-3.1.2-2)', () => {
    expect(inspectInbound({ version: undefined }, frameOf(connect(6)))).toMatchObject({ ok: false, connack: Buffer.from([0x20, 0x02, 0x00, 0x01]) });
  });

  it('refuses will QoS / retain without the will flag (MQTT-3.1.2-13, MQTT-3.1.2-15), with CONNACK 0x81 only for MQTT 5', () => {
    expect(inspectInbound({ version: undefined }, frameOf(connect(4, 0x0a)))).toEqual({ ok: false, reason: 'will QoS set without the will flag', connack: undefined });
    expect(inspectInbound({ version: undefined }, frameOf(connect(5, 0x22)))).toMatchObject({ ok: false, connack: Buffer.from([0x20, 0x03, 0x00, 0x81, 0x00]) });
  });

  it('fixes the acknowledgement length at 2 before MQTT 5 and reports which flows an ack ends', () => {
    expect(inspectInbound(connected(4), frameOf(encodeFrame(0x40, Buffer.from([0, 7]))))).toEqual({ ok: true, acked: 7 });
    expect(inspectInbound(connected(4), frameOf(encodeFrame(0x40, Buffer.from([0, 7, 0]))))).toMatchObject({ ok: false, disconnectCode: undefined });
    expect(inspectInbound(connected(5), frameOf(encodeFrame(0x50, Buffer.from([0, 7, 0x00]))))).toEqual({ ok: true });
    expect(inspectInbound(connected(5), frameOf(encodeFrame(0x50, Buffer.from([0, 7, 0x80]))))).toEqual({ ok: true, acked: 7 });
    expect(inspectInbound(connected(5), frameOf(encodeFrame(0x40, Buffer.from([0]))))).toMatchObject({ ok: false, disconnectCode: 0x81 });
    // QoS 2: PUBCOMP ends the flow, PUBREL (client → server direction) does not.
    expect(inspectInbound(connected(5), frameOf(encodeFrame(0x70, Buffer.from([0, 9]))))).toEqual({ ok: true, acked: 9 });
    expect(inspectInbound(connected(4), frameOf(encodeFrame(0x62, Buffer.from([0, 9]))))).toEqual({ ok: true });
  });
});
