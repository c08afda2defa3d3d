/**
 * The MQTT text rules, checked on the raw bytes of a string field.
 *
 * - Every UTF-8 string must be well-formed UTF-8 and must not contain U+0000 or the encoding of a
 *   surrogate (MQTT 3.1.1 §1.5.3 [MQTT-1.5.3-1], [MQTT-1.5.3-2]; MQTT 5.0 §1.5.4 [MQTT-1.5.4-1],
 *   [MQTT-1.5.4-2]); such a packet is malformed and the connection is closed.
 * - Client ids and topics are also refused when they contain a control character (U+0001–U+001F,
 *   U+007F–U+009F) or a non-character (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF), as Mosquitto does: the
 *   specifications allow the receiver to refuse them (§1.5.3 / §1.5.4 "SHOULD NOT include").
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type TextProblem = 'ill-formed UTF-8' | 'U+0000' | 'control character' | 'non-character';

/** Decodes a string field; a string, or why it breaks the MQTT-1.5.3-1/2 rules. */
export function decodeMqttString(bytes: Buffer): { ok: true; value: string } | { ok: false; problem: TextProblem } {
  let value: string;
  try {
    // A fatal decoder refuses overlong forms, bytes that are never UTF-8 and encoded surrogates.
    value = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: 'ill-formed UTF-8' };
  }
  if (value.includes('\u0000')) return { ok: false, problem: 'U+0000' };
  return { ok: true, value };
}

/** The Mosquitto rule for client ids and topics, on an already decoded string. */
export function strictTextProblem(value: string): TextProblem | null {
  for (const char of value) {
    const cp = char.codePointAt(0)!;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return 'control character';
    if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 'non-character';
  }
  return null;
}

/** A client id or topic: the string rules plus the strict rule. */
export function checkStrictString(bytes: Buffer): { ok: true; value: string } | { ok: false; problem: TextProblem } {
  const decoded = decodeMqttString(bytes);
  if (!decoded.ok) return decoded;
  const problem = strictTextProblem(decoded.value);
  return problem ? { ok: false, problem } : decoded;
}

/**
 * A topic name in PUBLISH or a will: at least one character and no wildcard (MQTT 3.1.1 §4.7.3
 * [MQTT-4.7.3-1], §3.3.2.1 [MQTT-3.3.2-2]; MQTT 5.0 [MQTT-3.3.2-2]). Returns a problem or null.
 */
export function topicNameProblem(topic: string): string | null {
  if (topic.length === 0) return 'empty topic name';
  if (topic.includes('+') || topic.includes('#')) return 'wildcard in topic name';
  return null;
}

/**
 * A topic filter: at least one character; `#` only as the whole last level, `+` only as a whole
 * level (MQTT 3.1.1 §4.7.1 [MQTT-4.7.1-2], [MQTT-4.7.1-3], §4.7.3 [MQTT-4.7.3-1]).
 */
export function topicFilterProblem(filter: string): string | null {
  if (filter.length === 0) return 'empty topic filter';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return 'misplaced # in topic filter';
    if (level.includes('+') && level !== '+') return 'misplaced + in topic filter';
  }
  return null;
}

/** Whether `topic` matches `filter` (MQTT 3.1.1 §4.7; `$` topics never match a leading wildcard). */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
