import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { queriesOfPlayset } from '../src/channel-source.ts';
import { expandOwners, loadCliConfig } from '../src/config.ts';
import { renewalDue } from '../src/credentials.ts';
import { createDeviceClock, UNSYNCED_TIMESTAMP } from '../src/device-clock.ts';
import { firmwareConnectOptions, isTlsFailure, protocolOf } from '../src/mqtt-options.ts';
import { applySetting, DEFAULT_CAPABILITIES, DEFAULT_STATE } from '../src/settings.ts';
import forge from 'node-forge';

const DAY = 86_400_000;

/** A self-signed certificate valid until `notAfter` (only its dates matter here). */
function certUntil(notAfter: Date): string {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(notAfter.getTime() - 1095 * DAY);
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: 'x' }]);
  cert.setIssuer([{ name: 'commonName', value: 'x' }]);
  cert.sign(keys.privateKey);
  return forge.pki.certificateToPem(cert);
}

describe('certificate renewal window (45 days, by the device clock)', () => {
  const now = Date.now();
  it('is due within 45 days of expiry and not before', () => {
    expect(renewalDue(certUntil(new Date(now + 44 * DAY)), createDeviceClock())).toBe(true);
    expect(renewalDue(certUntil(new Date(now + 46 * DAY)), createDeviceClock())).toBe(false);
    expect(new X509Certificate(certUntil(new Date(now + 46 * DAY))).validTo).toBeTruthy();
  });
  it('follows the device clock, and an unsynced clock never decides', () => {
    const cert = certUntil(new Date(now + 100 * DAY));
    expect(renewalDue(cert, createDeviceClock({ offsetMs: 60 * DAY }))).toBe(true);
    const unsynced = createDeviceClock({ offsetMs: 60 * DAY, syncAfterMs: Number.POSITIVE_INFINITY });
    expect(renewalDue(cert, unsynced)).toBe(false);
    expect(unsynced.stamp()).toBe(UNSYNCED_TIMESTAMP);
    expect(createDeviceClock().stamp()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe('connect options and failures', () => {
  it('speaks MQTT 3.1 (MQIsdp) unless told otherwise, with the firmware CONNECT fields', () => {
    expect(protocolOf('3.1')).toEqual({ protocolVersion: 3, protocolId: 'MQIsdp' });
    expect(protocolOf('3.1.1')).toEqual({ protocolVersion: 4, protocolId: 'MQTT' });
    expect(protocolOf('5')).toEqual({ protocolVersion: 5, protocolId: 'MQTT' });
    const key = '0b7e2c9a-4c1d-4f7e-9a51-2d3c4b5a6e7f';
    const o = firmwareConnectOptions({ playerKey: key, brokerHost: 'h', brokerPort: 8883, caPem: '', certPem: '', keyPem: '' }, '3.1', 10_000);
    expect(o).toMatchObject({ clientId: `p3a-${key}`, username: key, clean: true, keepalive: 60, reconnectPeriod: 0, protocolVersion: 3 });
    expect(o.password).toBeUndefined();
    expect(o.will).toMatchObject({ topic: `makapix/player/${key}/status`, qos: 1, retain: false });
    expect(JSON.parse(String(o.will!.payload))).toEqual({ player_key: key, status: 'offline' });
  });
  it('counts refused handshakes and CONNACKs toward the forced renewal, not a broker that is down', () => {
    expect(isTlsFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isTlsFailure(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }))).toBe(false);
    expect(isTlsFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isTlsFailure(Object.assign(new Error('Connection refused: Server unavailable'), { code: 3 }))).toBe(false);
    expect(isTlsFailure(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }))).toBe(true);
    expect(isTlsFailure(Object.assign(new Error('x'), { code: 'ERR_SSL_TLSV1_ALERT_CERTIFICATE_REVOKED' }))).toBe(true);
    expect(isTlsFailure(new Error('certificate has expired'))).toBe(true);
  });
});

describe('settings commands (the acknowledged ones)', () => {
  const cmd = (command_type: string, payload: object) => ({ command_id: crypto.randomUUID(), command_type, payload, timestamp: new Date().toISOString() }) as never;
  it('applies in-range values and refuses the rest', () => {
    expect(applySetting(DEFAULT_STATE, DEFAULT_CAPABILITIES, cmd('set_brightness', { value: 42 }))).toEqual({ ok: true, state: { ...DEFAULT_STATE, brightness: 42 } });
    expect(applySetting(DEFAULT_STATE, DEFAULT_CAPABILITIES, cmd('set_brightness', { value: 101 }))).toMatchObject({ ok: false });
    expect(applySetting(DEFAULT_STATE, DEFAULT_CAPABILITIES, cmd('set_rotation', { value: 45 }))).toMatchObject({ ok: false });
    expect(applySetting(DEFAULT_STATE, { features: {} }, cmd('set_paused', { paused: true }))).toMatchObject({ ok: false });
    expect(applySetting(DEFAULT_STATE, DEFAULT_CAPABILITIES, cmd('set_mirror', { value: 'vertical' }))).toMatchObject({ ok: true, state: { mirror: 'vertical' } });
  });
});

describe('playsets and the CLI', () => {
  it('turns playset channels into the queries the device sends, skipping device-local ones', () => {
    expect(queriesOfPlayset([
      { type: 'named', name: 'promoted' }, { type: 'user', identifier: 'abc', display_name: '@ada' },
      { type: 'hashtag', identifier: 'cats' }, { type: 'sdcard' }, { type: 'pinned' }, { type: 'reactions', identifier: 'xyz' },
    ])).toEqual([
      { channel: 'promoted' }, { channel: 'by_user', user_sqid: 'abc', user_handle: 'ada' }, { channel: 'hashtag', hashtag: 'cats' }, { channel: 'reactions', user_sqid: 'xyz' },
    ]);
  });
  it('expands an owner pattern to one account per 128 players and parses fleet flags', () => {
    expect(expandOwners(['f{n}@x.test'], 300)).toEqual(['f1@x.test', 'f2@x.test', 'f3@x.test']);
    const c = loadCliConfig(['fleet', '--count', '300', '--owner', 'f{n}@x.test', '--password', 'secret-12', '--seed', '9']);
    expect(c).toMatchObject({ mode: 'fleet', fleet: { count: 300, seed: 9, mqtt: '3.1', owners: ['f1@x.test', 'f2@x.test', 'f3@x.test'] } });
    expect(() => loadCliConfig(['fleet', '--count', '0', '--owner', 'a@b.c', '--password', 'secret-12'])).toThrow(/count/);
    expect(() => loadCliConfig(['wat'])).toThrow(/unknown command/);
    expect(loadCliConfig([], {})).toMatchObject({ mode: 'demo', demo: { players: 3, mqtt: '3.1' } });
  });
});
