import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nextIp } from '../../../test/fixtures/accounts.ts';
import { createPlayerTestApp, type PlayerTestApp } from '../../../test/fixtures/players.ts';

// The code generator is the only thing replaced: it hands out a code that is already pending, so
// provisioning must hit the partial unique index and retry with the next code (docs/device-protocol.md §2.1).
const codes = vi.hoisted(() => ['ABCDEF', 'ABCDEF', 'ABCDEF', 'GHJKMN']);
vi.mock('@makapix/protocol', async (importOriginal) => {
  const original = await importOriginal<typeof import('@makapix/protocol')>();
  return { ...original, generateRegistrationCode: () => codes.shift() ?? original.generateRegistrationCode() };
});

describe('registration code collisions', () => {
  let t: PlayerTestApp;
  beforeAll(async () => {
    t = await createPlayerTestApp();
  });
  afterAll(async () => t.close());

  it('retries with a new code when the drawn one is pending already', async () => {
    const provision = () => t.app.inject({ method: 'POST', url: '/api/player/provision', headers: { 'x-forwarded-for': nextIp() }, payload: {} });
    const first = await provision();
    expect(first.json().registration_code).toBe('ABCDEF');
    const second = await provision();
    expect(second.statusCode).toBe(201);
    expect(second.json().registration_code).toBe('GHJKMN');
    expect(codes).toHaveLength(0);
  });
});
