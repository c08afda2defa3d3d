import type { Client } from 'aedes';
import { describe, expect, it } from 'vitest';
import { SessionRegistry } from './sessions.ts';

const KEY = '0b5c1c3e-9f0a-4d1e-8a2b-3c4d5e6f7a8b';
const fakeClient = (id: string) => ({ id }) as unknown as Client;

describe('SessionRegistry', () => {
  it('finds every live session of a key, optionally by certificate serial', () => {
    const sessions = new SessionRegistry();
    const a = fakeClient('a');
    const b = fakeClient('b');
    sessions.attach(a, { kind: 'player', playerKey: KEY, certSerial: '01' }, 0);
    sessions.attach(b, { kind: 'player', playerKey: KEY, certSerial: '02' }, 0);
    expect(sessions.register(a)).toBe(true);
    expect(sessions.register(b)).toBe(true);
    expect(sessions.sessionsOf(KEY)).toEqual([a, b]);
    expect(sessions.sessionsOf(KEY, '02')).toEqual([b]);
    sessions.unregister(a);
    expect(sessions.sessionsOf(KEY)).toEqual([b]);
    sessions.unregister(b);
    expect(sessions.livePlayers).toBe(0);
  });

  it('refuses to register a session whose CONNECT check started before a kick of its key', () => {
    let now = 1000;
    const sessions = new SessionRegistry(() => now);
    const racing = fakeClient('racing');
    sessions.attach(racing, { kind: 'player', playerKey: KEY, certSerial: '01' }, 900);
    sessions.noteKick(KEY);
    expect(sessions.register(racing)).toBe(false);
    now = 2000;
    const later = fakeClient('later');
    sessions.attach(later, { kind: 'player', playerKey: KEY, certSerial: '01' }, 1500);
    expect(sessions.register(later)).toBe(true);
  });

  it('scopes a serial kick to that certificate', () => {
    const sessions = new SessionRegistry(() => 1000);
    sessions.noteKick(KEY, '01');
    const old = fakeClient('old');
    const renewed = fakeClient('renewed');
    sessions.attach(old, { kind: 'player', playerKey: KEY, certSerial: '01' }, 900);
    sessions.attach(renewed, { kind: 'player', playerKey: KEY, certSerial: '02' }, 900);
    expect(sessions.register(old)).toBe(false);
    expect(sessions.register(renewed)).toBe(true);
  });

  it('counts denied publishes per client and knows nothing of unknown clients', () => {
    const sessions = new SessionRegistry();
    const c = fakeClient('c');
    sessions.attach(c, { kind: 'service', username: 'makapix-api' }, 0);
    expect([sessions.recordDeniedPublish(c), sessions.recordDeniedPublish(c)]).toEqual([1, 2]);
    expect(sessions.identityOf(fakeClient('x'))).toBeUndefined();
    expect(sessions.identityOf(null)).toBeUndefined();
    expect(sessions.register(c)).toBe(true);
  });
});
