import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { players, playerTokens } from '@makapix/db';
import { certInfo, decryptSecret, verifySignedBy } from '@makapix/pki';
import { credentialsResponseSchema, provisionResponseSchema, REGISTRATION_CODE_ALPHABET, topics } from '@makapix/protocol';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp } from '../../../test/fixtures/accounts.ts';
import { xaddInbox } from '../../../test/fixtures/device-plane.ts';
import { createPlayerTestApp, type PlayerTestApp, provisionPlayer, waitFor } from '../../../test/fixtures/players.ts';

describe('player provisioning (docs/device-protocol.md §2)', () => {
  let t: PlayerTestApp;
  beforeAll(async () => {
    t = await createPlayerTestApp();
  });
  afterAll(async () => t.close());

  const provision = (ip = nextIp(), payload: object = { device_model: 'p3a', firmware_version: '1.2.3' }) =>
    t.app.inject({ method: 'POST', url: '/api/player/provision', headers: { 'x-forwarded-for': ip }, payload });
  const credentials = (key: string, ip = nextIp()) =>
    t.app.inject({ method: 'GET', url: `/api/player/${key}/credentials`, headers: { 'x-forwarded-for': ip } });

  it('provisions, registers with a lower-case code and hands out credentials once with the token', async () => {
    const owner = await createMember(t);
    const p = await provision();
    expect(p.statusCode).toBe(201);
    const body = provisionResponseSchema.parse(p.json());
    expect(body.registration_code).toHaveLength(6);
    for (const ch of body.registration_code) expect(REGISTRATION_CODE_ALPHABET).toContain(ch);
    const ttl = Date.parse(body.registration_code_expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    expect(body.mqtt_broker).toEqual({ host: t.config.broker.publicHost, port: t.config.broker.publicPort });
    expect(body.https_api).toEqual({ base_url: `${t.config.http.publicBaseUrl}/api`, auth: 'bearer' });

    expect((await credentials(body.player_key)).statusCode).toBe(404);

    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/player/register',
      headers: owner.auth,
      payload: { registration_code: body.registration_code.toLowerCase(), name: 'Kitchen' },
    });
    expect(reg.statusCode).toBe(201);
    expect(reg.json()).toMatchObject({ id: body.player_key, name: 'Kitchen', deviceModel: 'p3a', firmwareVersion: '1.2.3', status: 'offline' });
    expect(reg.json().certificate.renewalPending).toBe(false);

    const first = await credentials(body.player_key);
    expect(first.statusCode).toBe(200);
    const creds = credentialsResponseSchema.parse(first.json());
    expect(creds.api_token).toMatch(/^mpx_live_[A-Za-z0-9_-]{43}$/);
    expect(creds.broker).toEqual(body.mqtt_broker);
    expect(creds.https_api).toEqual(body.https_api);

    const second = await credentials(body.player_key);
    expect(second.statusCode).toBe(200);
    expect(second.json().api_token).toBeNull();
    expect(second.json().cert_pem).toBe(creds.cert_pem);

    // The certificate: CN = key, SAN player-{key}, signed by the CA, RSA-2048, ~1095 days.
    const cert = new X509Certificate(creds.cert_pem);
    expect(cert.subject).toBe(`CN=${body.player_key}`);
    expect(cert.subjectAltName).toBe(`DNS:player-${body.player_key}`);
    expect(verifySignedBy(creds.cert_pem, creds.ca_pem)).toBe(true);
    expect(creds.ca_pem).toBe(await readFile(t.config.pki.caCertFile, 'utf8'));
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(days).toBe(1095);
    // The key is PKCS#8 and belongs to the certificate.
    expect(creds.key_pem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(creds.key_pem))).toBe(true);

    // At rest: no plaintext key anywhere in the row, the token only as its SHA-256.
    const [row] = await t.app.db.select().from(players).where(eq(players.playerKey, body.player_key));
    const keyBody = creds.key_pem.split('\n')[1] ?? '';
    expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(row)).not.toContain(keyBody);
    expect(decryptSecret(row!.encryptedKeyPem!, t.config.pki.keyEncryptionSecret, body.player_key)).toBe(creds.key_pem);
    expect(() => decryptSecret(row!.encryptedKeyPem!, t.config.pki.keyEncryptionSecret, 'another-player')).toThrow();
    expect(row!.registrationCode).toBeNull();
    const tokens = await t.app.db.select().from(playerTokens).where(eq(playerTokens.playerId, row!.id));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.tokenHash).toBe(createHash('sha256').update(creds.api_token!).digest('hex'));
    expect(JSON.stringify(tokens)).not.toContain(creds.api_token!);
  });

  it('refuses an expired code and a used code with 404', async () => {
    const owner = await createMember(t);
    const expired = provisionResponseSchema.parse((await provision()).json());
    await t.app.db.update(players).set({ registrationCodeExpiresAt: sql`now() - interval '1 second'` }).where(eq(players.playerKey, expired.player_key));
    const late = await t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code: expired.registration_code, name: 'Late' } });
    expect(late.statusCode).toBe(404);
    expect(late.json().error.code).toBe('registration_code_invalid');

    const fresh = provisionResponseSchema.parse((await provision()).json());
    const register = () => t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code: fresh.registration_code, name: 'Once' } });
    expect((await register()).statusCode).toBe(201);
    expect((await register()).statusCode).toBe(404);

    const unknown = await t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code: 'ZZZZZZ', name: 'x' } });
    expect(unknown.statusCode).toBe(404);
  });

  it('a 6-character code with characters outside the alphabet is just an unknown code (404); not 6 characters is 400', async () => {
    const owner = await createMember(t);
    const register = (registration_code: unknown) =>
      t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code, name: 'x' } });
    // docs/device-protocol.md §2.2: unknown code → 404 (O, 0, 1 and I are not in the alphabet).
    for (const code of ['ABCDE0', 'oo-oo11', 'ab!@#i', 'ÄBCDEF']) {
      const res = await register(code);
      expect(res.statusCode, code).toBe(404);
      expect(res.json().error.code).toBe('registration_code_invalid');
    }
    for (const code of ['ABCDE', 'ABCDEFG', '', 123456, null]) expect((await register(code)).statusCode, String(code)).toBe(400);
  });

  it('registers one code once when two members race for it', async () => {
    const [a, b] = [await createMember(t), await createMember(t)];
    const p = provisionResponseSchema.parse((await provision()).json());
    const results = await Promise.all(
      [a, b].map((m) => t.app.inject({ method: 'POST', url: '/api/player/register', headers: m.auth, payload: { registration_code: p.registration_code, name: 'Race' } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 404]);
  });

  it('needs a member to register and validates the body', async () => {
    const p = provisionResponseSchema.parse((await provision()).json());
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/player/register', payload: { registration_code: p.registration_code, name: 'x' } });
    expect(anonymous.statusCode).toBe(401);
    const owner = await createMember(t);
    const noName = await t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code: p.registration_code, name: '' } });
    expect(noName.statusCode).toBe(400);
    const longName = await t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code: p.registration_code, name: 'x'.repeat(101) } });
    expect(longName.statusCode).toBe(400);
  });

  it('refuses the 129th player with 409 player_limit_reached', async () => {
    const owner = await createMember(t);
    await t.app.db.insert(players).values(
      Array.from({ length: 128 }, () => ({ playerKey: crypto.randomUUID(), ownerId: owner.id, name: 'fleet', registeredAt: new Date() })),
    );
    const p = provisionResponseSchema.parse((await provision()).json());
    const res = await t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code: p.registration_code, name: 'One too many' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('player_limit_reached');
    // A deleted player frees its slot.
    await t.app.db.execute(sql`update players set deleted_at = now() where id = (select id from players where owner_id = ${owner.id} limit 1)`);
    const again = await t.app.inject({ method: 'POST', url: '/api/player/register', headers: owner.auth, payload: { registration_code: p.registration_code, name: 'Now fits' } });
    expect(again.statusCode).toBe(201);
  });

  it('rate-limits provisioning to 10 per hour per IP and credentials to 30 per minute per IP', async () => {
    const ip = nextIp();
    for (let i = 0; i < 10; i++) expect((await provision(ip)).statusCode).toBe(201);
    const limited = await provision(ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await provision(nextIp())).statusCode).toBe(201);

    const pollIp = nextIp();
    const key = crypto.randomUUID();
    for (let i = 0; i < 30; i++) expect((await credentials(key, pollIp)).statusCode).toBe(404);
    expect((await credentials(key, pollIp)).statusCode).toBe(429);
  });

  it('accepts an empty provisioning body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/player/provision', headers: { 'x-forwarded-for': nextIp() } });
    expect(res.statusCode).toBe(201);
    expect(provisionResponseSchema.safeParse(res.json()).success).toBe(true);
  });

  it('serves the same pair again (never a second token) until the device connects with it; then the key is gone until the owner re-issues', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const again = await credentials(player.key);
    expect(again.json().api_token).toBeNull();
    expect(again.json().key_pem).toBe(player.credentials.key_pem);
    // Make-before-break (issue 11 §3): renew-cert hands out the pair the device has not used yet, whatever the window.
    const renew = await t.app.inject({ method: 'POST', url: '/api/player/renew-cert', headers: player.deviceAuth });
    expect(renew.statusCode).toBe(200);
    expect(renew.json()).toMatchObject({ cert_pem: player.credentials.cert_pem, key_pem: player.credentials.key_pem });
    const row = async () => (await t.app.db.select().from(players).where(eq(players.playerKey, player.key)))[0]!;

    // A message over some other certificate proves nothing about this one: the key stays.
    await xaddInbox(t, topics.status(player.key), { status: 'online' }, { certSerial: 'abcdef01' });
    await waitFor(async () => (await row()).status === 'online', 10_000, 'the status handled');
    expect((await row()).encryptedKeyPem).not.toBeNull();
    expect((await credentials(player.key)).statusCode).toBe(200);

    // docs/device-protocol.md §2.3 (ours): the first message over mTLS with the delivered certificate (the
    // broker stamps the session's serial on it) shows the device holds the key: it is dropped.
    await xaddInbox(t, topics.state(player.key), {}, { certSerial: certInfo(player.credentials.cert_pem).serial });
    await waitFor(async () => (await row()).encryptedKeyPem === null, 10_000, 'the stored key dropped');
    const delivered = await credentials(player.key);
    expect(delivered.statusCode).toBe(404);
    expect(delivered.json().error).toMatchObject({ code: 'credentials_delivered', message: expect.stringMatching(/re-issue/) });
    expect(JSON.stringify(delivered.json())).not.toContain('PRIVATE KEY');

    // The owner re-issues: a new pair to fetch, served until the device connects with it.
    const reissued = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/renew-cert`, headers: owner.auth });
    expect(reissued.statusCode).toBe(200);
    const fresh = await credentials(player.key);
    expect(fresh.statusCode).toBe(200);
    // The current certificate stays (make-before-break); the new one waits as the pending one.
    expect(reissued.json().certificate).toMatchObject({ serial: certInfo(player.credentials.cert_pem).serial, renewalPending: true });
    expect(certInfo(fresh.json().cert_pem).serial).toBe((await row()).pendingCertSerial);
    expect(fresh.json().key_pem).not.toBe(player.credentials.key_pem);
    expect(fresh.json().api_token).toBeNull();
  });

  it('documents the device and owner routes in the OpenAPI page', async () => {
    const paths = Object.keys((await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json().paths);
    for (const p of ['/api/player/provision', '/api/player/register', '/api/player/{key}/credentials', '/api/player/renew-cert', '/api/player/{key}/token/rotate', '/api/v1/players', '/api/v1/players/{id}/commands', '/api/v1/players/events', '/api/v1/playsets']) {
      expect(paths).toContain(p);
    }
  });
});
