import { BodyReader, encodeFrame, type Frame, TruncatedError } from './mqtt-wire.ts';
import { checkStrictString, decodeMqttString, topicFilterProblem, topicNameProblem } from './text-rules.ts';

/**
 * What the MQTT 3.1, 3.1.1 and 5.0 specifications require of a server receiving each packet, for
 * the rules Aedes' parser does not apply itself. Every refusal closes the connection; it first
 * sends the CONNACK / DISCONNECT the specification names, if any.
 */

/** MQTT 5.0 reason codes (§2.4) used in refusals. */
export const Reason = {
  MALFORMED_PACKET: 0x81,
  PROTOCOL_ERROR: 0x82,
  CLIENT_ID_NOT_VALID: 0x85,
  TOPIC_FILTER_INVALID: 0x8f,
  TOPIC_NAME_INVALID: 0x90,
  PACKET_TOO_LARGE: 0x95,
  QUOTA_EXCEEDED: 0x97,
} as const;

/** MQTT 3.1 / 3.1.1 CONNACK return codes (§3.2.2.3). */
const UNACCEPTABLE_PROTOCOL_VERSION = 0x01;
const IDENTIFIER_REJECTED = 0x02;

export type ProtocolLevel = 3 | 4 | 5;

export interface InboundState {
  /** The protocol level of an accepted CONNECT; undefined until then. */
  version: ProtocolLevel | undefined;
}

export type Verdict =
  /** `acked`: the packet id of an outbound QoS 1/2 PUBLISH this packet completes (flow control). */
  | { ok: true; acked?: number }
  /**
   * `connack`: the CONNACK to send before closing (a refused CONNECT). `disconnectCode`: the reason
   * code of the DISCONNECT an MQTT 5 client is sent (a refused later packet).
   */
  | { ok: false; reason: string; connack?: Buffer; disconnectCode?: number };

class Refusal extends Error {
  constructor(
    message: string,
    /** MQTT 5.0 reason code: in the CONNACK (CONNECT) or the DISCONNECT (later packets). */
    readonly v5Code: number,
    /** MQTT 3.1 / 3.1.1 CONNACK return code, when the specification names one. */
    readonly connackV4?: number,
  ) {
    super(message);
  }
}

const malformed = (message: string) => new Refusal(message, Reason.MALFORMED_PACKET);
const protocolError = (message: string) => new Refusal(message, Reason.PROTOCOL_ERROR);

function connack(version: number, v4Code: number | undefined, v5Code: number): Buffer | undefined {
  if (version === 5) return encodeFrame(0x20, Buffer.from([0x00, v5Code, 0x00]));
  return v4Code === undefined ? undefined : encodeFrame(0x20, Buffer.from([0x00, v4Code]));
}

function refusalVerdict(state: InboundState, level: number | undefined, err: unknown): Verdict {
  const refusal = err instanceof Refusal ? err : err instanceof TruncatedError ? malformed(err.message) : undefined;
  if (!refusal) throw err;
  if (state.version === undefined) {
    return { ok: false, reason: refusal.message, connack: level === undefined ? undefined : connack(level, refusal.connackV4, refusal.v5Code) };
  }
  return { ok: false, reason: refusal.message, disconnectCode: state.version === 5 ? refusal.v5Code : undefined };
}

/** Flags each packet type must carry in its first byte (3.1.1 §2.2.2 [MQTT-2.2.2-2]; 5.0 §2.1.3). */
const REQUIRED_FLAGS: Record<number, number> = { 1: 0, 2: 0, 4: 0, 5: 0, 6: 0b0010, 7: 0, 8: 0b0010, 9: 0, 10: 0b0010, 11: 0, 12: 0, 13: 0, 14: 0, 15: 0 };

/** Judges a frame's first byte as soon as it arrives, before its body is read. */
export function inspectFirstByte(state: InboundState, first: number): Verdict {
  const type = first >> 4;
  const flags = first & 0x0f;
  try {
    // [MQTT-3.1.0-1] The first packet from the client must be CONNECT.
    if (state.version === undefined && type !== 1) throw protocolError('first packet is not CONNECT');
    const required = REQUIRED_FLAGS[type];
    if (required !== undefined && flags !== required) throw malformed(`invalid flags ${flags} for packet type ${type}`);
    return { ok: true };
  } catch (err) {
    return refusalVerdict(state, undefined, err);
  }
}

/** Applies the rules to one complete inbound frame. */
export function inspectInbound(state: InboundState, frame: Frame): Verdict {
  let level: number | undefined = state.version;
  try {
    if (state.version === undefined) {
      level = readConnectLevel(frame);
      if (level !== 3 && level !== 4 && level !== 5) {
        // [MQTT-3.1.2-2] CONNACK 0x01, then close. The level is unknown, so the answer uses the 3.1.1
        // CONNACK format (MQTT 5.0 §3.1.2.2 allows a server to answer an unknown level that way).
        throw new Refusal(`unsupported protocol level ${level}`, 0x84, UNACCEPTABLE_PROTOCOL_VERSION);
      }
      inspectConnect(frame, level);
      state.version = level as ProtocolLevel;
      return { ok: true };
    }
    return inspectAfterConnect(state.version, frame);
  } catch (err) {
    return refusalVerdict(state, level, err);
  }
}

/** The protocol name (MQTT, or MQIsdp for 3.1) and level byte of a CONNECT. */
function readConnectLevel(frame: Frame): number {
  const r = new BodyReader(frame.body);
  const name = r.lengthPrefixed().toString('latin1');
  if (name !== 'MQTT' && name !== 'MQIsdp') throw protocolError(`unknown protocol name ${JSON.stringify(name)}`);
  return r.byte();
}

function inspectConnect(frame: Frame, level: number): void {
  const r = new BodyReader(frame.body);
  r.lengthPrefixed();
  r.byte();
  const flags = r.byte();
  // [MQTT-3.1.2-3] The reserved flag must be 0.
  if (flags & 0x01) throw malformed('reserved CONNECT flag set');
  const willFlag = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  // 3.1.1 [MQTT-3.1.2-13], [MQTT-3.1.2-15]; 5.0 [MQTT-3.1.2-11], [MQTT-3.1.2-13].
  if (!willFlag && willQos !== 0) throw malformed('will QoS set without the will flag');
  if (!willFlag && willRetain) throw malformed('will retain set without the will flag');
  // 3.1.1 [MQTT-3.1.2-14]; 5.0 [MQTT-3.1.2-12].
  if (willQos === 3) throw malformed('will QoS 3');
  const hasUsername = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  // 3.1.1 [MQTT-3.1.2-22]; MQTT 5.0 allows a password without a user name.
  if (level < 5 && hasPassword && !hasUsername) throw malformed('password without user name');
  r.uint16();
  if (level === 5) r.skipProperties();

  const clientId = decodeMqttString(r.lengthPrefixed());
  if (!clientId.ok) throw malformed(`client id: ${clientId.problem}`);
  // A well-formed id we refuse is "identifier rejected" ([MQTT-3.1.3-9]; 5.0 0x85).
  const strictId = checkStrictString(Buffer.from(clientId.value, 'utf8'));
  if (!strictId.ok) throw new Refusal(`client id: ${strictId.problem}`, Reason.CLIENT_ID_NOT_VALID, IDENTIFIER_REJECTED);
  // MQTT 3.1 §3.1: the client identifier is 1 to 23 characters; an empty one is rejected with 0x02.
  if (level === 3 && clientId.value.length === 0) throw new Refusal('empty client id on MQTT 3.1', Reason.CLIENT_ID_NOT_VALID, IDENTIFIER_REJECTED);

  if (willFlag) {
    if (level === 5) r.skipProperties();
    const topic = decodeMqttString(r.lengthPrefixed());
    if (!topic.ok) throw malformed(`will topic: ${topic.problem}`);
    const strictTopic = checkStrictString(Buffer.from(topic.value, 'utf8'));
    if (!strictTopic.ok) throw new Refusal(`will topic: ${strictTopic.problem}`, Reason.TOPIC_NAME_INVALID);
    const nameProblem = topicNameProblem(topic.value);
    if (nameProblem) throw new Refusal(`will topic: ${nameProblem}`, Reason.TOPIC_NAME_INVALID);
    r.lengthPrefixed();
  }
  if (hasUsername) {
    const username = decodeMqttString(r.lengthPrefixed());
    if (!username.ok) throw malformed(`user name: ${username.problem}`);
  }
  if (hasPassword) r.lengthPrefixed();
  if (r.remaining !== 0) throw malformed('bytes after the CONNECT payload');
}

function packetId(r: BodyReader): number {
  const id = r.uint16();
  // [MQTT-2.3.1-1] A packet identifier is non-zero.
  if (id === 0) throw malformed('packet identifier 0');
  return id;
}

function inspectAfterConnect(version: ProtocolLevel, frame: Frame): Verdict {
  const r = new BodyReader(frame.body);
  switch (frame.type) {
    case 1:
      // [MQTT-3.1.0-2] A second CONNECT is a protocol violation.
      throw protocolError('second CONNECT');
    case 3:
      return inspectPublish(version, frame, r);
    case 4:
    case 5:
    case 6:
    case 7: {
      // PUBACK, PUBREC, PUBREL, PUBCOMP: 3.1 / 3.1.1 §3.4.1–§3.7.1 fix the remaining length at 2;
      // MQTT 5.0 adds an optional reason code and properties.
      if (version < 5 && frame.body.length !== 2) throw malformed(`remaining length ${frame.body.length}, expected 2`);
      const id = packetId(r);
      let reasonCode = 0;
      if (version === 5 && r.remaining > 0) {
        reasonCode = r.byte();
        if (r.remaining > 0) r.skipProperties();
        if (r.remaining !== 0) throw malformed('bytes after the acknowledgement');
      }
      // PUBACK and PUBCOMP end a QoS 1/2 flow; so does a PUBREC carrying an error (MQTT 5.0 §4.9).
      const ends = frame.type === 4 || frame.type === 7 || (frame.type === 5 && reasonCode >= 0x80);
      return ends ? { ok: true, acked: id } : { ok: true };
    }
    case 8:
      return inspectSubscribe(version, r);
    case 10:
      return inspectUnsubscribe(version, r);
    case 12:
      // PINGREQ has no variable header or payload (§3.12).
      if (frame.body.length !== 0) throw malformed(`PINGREQ remaining length ${frame.body.length}`);
      return { ok: true };
    case 14:
      if (version < 5 && frame.body.length !== 0) throw malformed(`DISCONNECT remaining length ${frame.body.length}`);
      return { ok: true };
    case 15:
      if (version === 5) return { ok: true };
      throw malformed('reserved packet type 15');
    case 0:
      throw malformed('reserved packet type 0');
    default:
      // CONNACK, SUBACK, UNSUBACK and PINGRESP only ever travel server → client.
      throw protocolError(`packet type ${frame.type} sent to the server`);
  }
}

function inspectPublish(version: ProtocolLevel, frame: Frame, r: BodyReader): Verdict {
  const qos = (frame.flags >> 1) & 0x03;
  // 3.1.1 [MQTT-3.3.1-4]; 5.0 [MQTT-3.3.1-4]: QoS 3 is malformed.
  if (qos === 3) throw malformed('PUBLISH QoS 3');
  // [MQTT-3.3.1-2] DUP must be 0 on QoS 0.
  if (qos === 0 && (frame.flags & 0x08) !== 0) throw malformed('DUP set on a QoS 0 PUBLISH');
  const topic = decodeMqttString(r.lengthPrefixed());
  if (!topic.ok) throw malformed(`topic name: ${topic.problem}`);
  const strict = checkStrictString(Buffer.from(topic.value, 'utf8'));
  if (!strict.ok) throw new Refusal(`topic name: ${strict.problem}`, Reason.TOPIC_NAME_INVALID);
  // MQTT 5.0 §3.3.2.1: an empty topic name needs a Topic Alias, which this broker never grants
  // (Topic Alias Maximum 0), so it is a protocol error; 3.1.1 [MQTT-4.7.3-1] has no aliases.
  if (topic.value.length === 0) throw version === 5 ? protocolError('empty topic name') : malformed('empty topic name');
  const nameProblem = topicNameProblem(topic.value);
  if (nameProblem) throw new Refusal(nameProblem, Reason.TOPIC_NAME_INVALID);
  if (qos > 0) packetId(r);
  if (version === 5) r.skipProperties();
  return { ok: true };
}

function checkFilter(bytes: Buffer): void {
  const filter = decodeMqttString(bytes);
  if (!filter.ok) throw malformed(`topic filter: ${filter.problem}`);
  const strict = checkStrictString(bytes);
  if (!strict.ok) throw new Refusal(`topic filter: ${strict.problem}`, Reason.TOPIC_FILTER_INVALID);
  const problem = topicFilterProblem(filter.value);
  if (problem) throw new Refusal(problem, Reason.TOPIC_FILTER_INVALID);
}

function inspectSubscribe(version: ProtocolLevel, r: BodyReader): Verdict {
  packetId(r);
  if (version === 5) r.skipProperties();
  // 3.1.1 [MQTT-3.8.3-3]; 5.0 [MQTT-3.8.3-2]: at least one topic filter / options pair.
  if (r.remaining === 0) throw malformed('SUBSCRIBE without a topic filter');
  while (r.remaining > 0) {
    checkFilter(r.lengthPrefixed());
    r.byte();
  }
  return { ok: true };
}

function inspectUnsubscribe(version: ProtocolLevel, r: BodyReader): Verdict {
  packetId(r);
  if (version === 5) r.skipProperties();
  // 3.1.1 [MQTT-3.10.3-2]; 5.0 [MQTT-3.10.3-2]: at least one topic filter.
  if (r.remaining === 0) throw (version === 5 ? protocolError : malformed)('UNSUBSCRIBE without a topic filter');
  while (r.remaining > 0) checkFilter(r.lengthPrefixed());
  return { ok: true };
}
