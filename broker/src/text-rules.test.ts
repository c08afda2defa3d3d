import { describe, expect, it } from 'vitest';
import { checkStrictString, decodeMqttString, topicFilterProblem, topicMatches, topicNameProblem } from './text-rules.ts';

const bytes = (...b: number[]) => Buffer.from(b);

describe('MQTT string rules on raw bytes', () => {
  it('accepts well-formed UTF-8, including U+FFFD and astral characters', () => {
    expect(decodeMqttString(Buffer.from('é/ü/日本/\uFFFD/😀'))).toEqual({ ok: true, value: 'é/ü/日本/\uFFFD/😀' });
  });

  it('refuses U+0000, encoded surrogates, overlong forms and stray bytes (MQTT-1.5.3-1, MQTT-1.5.3-2)', () => {
    expect(decodeMqttString(bytes(0x61, 0x00))).toEqual({ ok: false, problem: 'U+0000' });
    for (const bad of [bytes(0xed, 0xa0, 0x80), bytes(0xed, 0xbf, 0xbf), bytes(0xc0, 0x80), bytes(0xc3, 0x28), bytes(0xff), bytes(0xf4, 0x90, 0x80, 0x80)]) {
      expect(decodeMqttString(bad)).toEqual({ ok: false, problem: 'ill-formed UTF-8' });
    }
  });

  it('keeps a leading BOM (MQTT-1.5.3-3: never skipped or stripped)', () => {
    expect(decodeMqttString(bytes(0xef, 0xbb, 0xbf, 0x61))).toEqual({ ok: true, value: '\uFEFFa' });
  });

  it('refuses control characters and non-characters in client ids and topics, as Mosquitto does', () => {
    for (const cp of [0x01, 0x1f, 0x7f, 0x9f, 0xfdd0, 0xfffe, 0xffff, 0x1ffff]) {
      expect(checkStrictString(Buffer.from(`a${String.fromCodePoint(cp)}b`)).ok, `U+${cp.toString(16)}`).toBe(false);
    }
    for (const cp of [0x20, 0x7e, 0xa0, 0xfdcf, 0xfdf0, 0xfffd, 0x10000]) {
      expect(checkStrictString(Buffer.from(`a${String.fromCodePoint(cp)}b`)).ok, `U+${cp.toString(16)}`).toBe(true);
    }
  });
});

describe('topic rules', () => {
  it('refuses empty topic names and wildcards in them (MQTT-4.7.3-1, MQTT-3.3.2-2)', () => {
    expect(topicNameProblem('')).not.toBeNull();
    expect(topicNameProblem('a/+/b')).not.toBeNull();
    expect(topicNameProblem('a/#')).not.toBeNull();
    expect(topicNameProblem('a//b')).toBeNull();
  });

  it('allows wildcards only as whole levels, # only last (MQTT-4.7.1-2, MQTT-4.7.1-3)', () => {
    for (const ok of ['#', '+', 'a/+/b', 'a/#', '+/+', '/']) expect(topicFilterProblem(ok), ok).toBeNull();
    for (const bad of ['', 'a#', 'a/#/b', 'a+', 'a/b+/c', '#/a']) expect(topicFilterProblem(bad), bad).not.toBeNull();
  });

  it('matches filters to names, never a $ topic to a leading wildcard (MQTT-4.7.2-1)', () => {
    expect(topicMatches('si/#', 'si/a')).toBe(true);
    expect(topicMatches('si/#', 'si')).toBe(true);
    expect(topicMatches('si/+', 'si/a')).toBe(true);
    expect(topicMatches('si/+', 'si/a/b')).toBe(false);
    expect(topicMatches('si/a', 'si/b')).toBe(false);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    expect(topicMatches('+/x', '$SYS/x')).toBe(false);
    expect(topicMatches('$SYS/#', '$SYS/x')).toBe(true);
  });
});
