import { follows, playsets } from '@makapix/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createPlayerTestApp, type PlayerTestApp, provisionPlayer } from '../../../test/fixtures/players.ts';
import { devicePlayset, MAX_PLAYSETS_PER_USER } from './service.ts';

describe('playsets (docs/product.md §5)', () => {
  let t: PlayerTestApp;
  let owner: TestMember;
  let stranger: TestMember;
  beforeAll(async () => {
    t = await createPlayerTestApp();
    owner = await createMember(t);
    stranger = await createMember(t);
  });
  afterAll(async () => t.close());

  const body = (name: string, channels: object[] = [{ type: 'named', name: 'all' }]) => ({ name, channels, exposureMode: 'equal', pickMode: 'recency' });
  const create = (member: TestMember, payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/playsets', headers: member.auth, payload });
  const url = (name: string) => `/api/v1/playsets/${encodeURIComponent(name)}`;

  it('creates, reads, lists, replaces (renames) and deletes my playsets', async () => {
    const created = await create(owner, {
      name: 'Evening',
      channels: [
        { type: 'named', name: 'promoted', weight: 2 },
        { type: 'user', identifier: stranger.sqid, displayName: `@${stranger.handle}` },
        { type: 'hashtag', identifier: '#Cats' },
        { type: 'reactions', identifier: owner.sqid },
      ],
      exposureMode: 'manual',
      pickMode: 'random',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'Evening',
      exposureMode: 'manual',
      pickMode: 'random',
      channels: [
        { type: 'named', name: 'promoted', weight: 2 },
        { type: 'user', identifier: stranger.sqid, displayName: `@${stranger.handle}` },
        { type: 'hashtag', identifier: 'cats' },
        { type: 'reactions', identifier: owner.sqid },
      ],
    });
    expect((await t.app.inject({ method: 'GET', url: url('Evening'), headers: owner.auth })).json().name).toBe('Evening');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/playsets', headers: owner.auth });
    expect(list.json().items.map((p: { name: string }) => p.name)).toContain('Evening');

    const renamed = await t.app.inject({ method: 'PUT', url: url('Evening'), headers: owner.auth, payload: body('Night') });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().channels).toEqual([{ type: 'named', name: 'all' }]);
    expect((await t.app.inject({ method: 'GET', url: url('Evening'), headers: owner.auth })).statusCode).toBe(404);

    expect((await t.app.inject({ method: 'DELETE', url: url('Night'), headers: owner.auth })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: url('Night'), headers: owner.auth })).statusCode).toBe(404);
  });

  it('keeps names unique per member and reserves followed_artists', async () => {
    expect((await create(owner, body('Dup'))).statusCode).toBe(201);
    const dup = await create(owner, body('Dup'));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('playset_name_taken');
    expect((await create(stranger, body('Dup'))).statusCode).toBe(201);
    expect((await create(owner, body('Other'))).statusCode).toBe(201);
    const clash = await t.app.inject({ method: 'PUT', url: url('Other'), headers: owner.auth, payload: body('Dup') });
    expect(clash.statusCode).toBe(409);
    const reserved = await create(owner, body('followed_artists'));
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json().error.code).toBe('playset_name_reserved');
  });

  it('enforces 1–64 channels, valid channel shapes and existing members', async () => {
    expect((await create(owner, body('Empty', []))).statusCode).toBe(400);
    const max = Array.from({ length: 64 }, () => ({ type: 'named', name: 'all' }));
    expect((await create(owner, body('Max', max))).statusCode).toBe(201);
    expect((await create(owner, body('Over', [...max, { type: 'named', name: 'all' }]))).statusCode).toBe(400);
    expect((await create(owner, body('Bad', [{ type: 'named', name: 'user' }]))).statusCode).toBe(400);
    expect((await create(owner, body('Bad', [{ type: 'sdcard' }]))).statusCode).toBe(400);
    expect((await create(owner, body('Weight', [{ type: 'named', name: 'all', weight: -1 }]))).statusCode).toBe(400);
    const ghost = await create(owner, body('Ghost', [{ type: 'user', identifier: 'notamember' }]));
    expect(ghost.statusCode).toBe(400);
    expect(ghost.json().error.details[0].path).toBe('body.channels.0.identifier');
    expect((await create(owner, { ...body('Mode'), exposureMode: 'loud' })).statusCode).toBe(400);
    expect((await create(owner, body('x'.repeat(65)))).statusCode).toBe(400);
  });

  it(`caps a member at ${MAX_PLAYSETS_PER_USER} playsets`, async () => {
    const hoarder = await createMember(t);
    await t.app.db.insert(playsets).values(Array.from({ length: MAX_PLAYSETS_PER_USER }, (_, i) => ({ ownerId: hoarder.id, name: `p${i}`, channels: [{ type: 'named', name: 'all' }] })));
    const res = await create(hoarder, body('One more'));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('playset_limit_reached');
  });

  it('never shows, changes or deletes another member’s playset', async () => {
    expect((await create(owner, body('Private'))).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'GET', url: url('Private'), headers: stranger.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PUT', url: url('Private'), headers: stranger.auth, payload: body('Mine') })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: url('Private'), headers: stranger.auth })).statusCode).toBe(404);
    const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/playsets', headers: stranger.auth });
    expect(theirs.json().items.map((p: { name: string }) => p.name)).not.toContain('Private');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/playsets' })).statusCode).toBe(401);
  });

  it('computes followed_artists from follows and refuses it when empty', async () => {
    const fan = await createMember(t);
    const player = await provisionPlayer(t, fan);
    const empty = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/playsets/followed_artists/execute`, headers: fan.auth });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('playset_empty');
    await t.app.db.insert(follows).values([{ followerId: fan.id, followeeId: owner.id }, { followerId: fan.id, followeeId: stranger.id }]);
    const dynamic = await devicePlayset(t.app, fan.id, 'followed_artists');
    expect(dynamic.channels).toHaveLength(2);
    expect(dynamic.channels).toContainEqual({ type: 'user', identifier: owner.sqid, display_name: `@${owner.handle}` });
  });

  it('answers 503 and logs nothing when the broker is unreachable', async () => {
    const player = await provisionPlayer(t, owner);
    expect((await create(owner, body('Offline'))).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/playsets/Offline/execute`, headers: owner.auth });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('service_unavailable');
    const log = await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}/commands`, headers: owner.auth });
    expect(log.json().items).toEqual([]);
  });
});
