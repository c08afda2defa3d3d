import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Database, type DbHandle } from './client.ts';
import { migrateDb, MIGRATIONS_FOLDER } from './migrate.ts';
import { comments, follows, players, playerTokens, playlistItems, playsets, posts, reactions, users } from './schema/index.ts';
import { createTestDatabase, type TestDatabase } from './test-helpers.ts';

// Provided by the root global setup (packages/devstack/src/vitest/global-setup.ts); restated here
// because this package cannot depend on devstack, which depends on it.
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

const adminUrl = inject('databaseUrl');

interface PgErrorFields {
  code?: string;
  constraint?: string;
}

/** Awaits a statement that must fail and returns the PostgreSQL error (drizzle wraps it in `cause`). */
async function pgErrorOf(statement: PromiseLike<unknown>): Promise<PgErrorFields> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    return cause as PgErrorFields;
  }
  throw new Error('expected the statement to be rejected');
}

async function countAppliedMigrations(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from drizzle.__drizzle_migrations');
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

async function journalEntryCount(): Promise<number> {
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

let counter = 0;
async function insertUser(db: Database, handle = `user${++counter}`) {
  const [row] = await db
    .insert(users)
    .values({ email: `${handle}@example.test`, handle, handleCanonical: handle.toLowerCase() })
    .returning();
  return row!;
}

async function insertArtwork(db: Database, ownerId: number, overrides: Partial<typeof posts.$inferInsert> = {}) {
  const [row] = await db
    .insert(posts)
    .values({
      kind: 'artwork',
      ownerId,
      title: 'Sunset',
      storageKey: randomUUID(),
      sha256: randomBytes(32).toString('hex'),
      ...overrides,
    })
    .returning();
  return row!;
}

describe('migrations', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(adminUrl);
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('apply every committed migration to a fresh database', async () => {
    expect(await countAppliedMigrations(testDb.url)).toBe(await journalEntryCount());
    const handle = createDb(testDb.url, { max: 1 });
    try {
      const { rows } = await handle.pool.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public'",
      );
      const tables = rows.map((r) => r.table_name);
      for (const name of ['users', 'posts', 'reactions', 'comments', 'players', 'player_tokens', 'playsets', 'audit_log']) {
        expect(tables).toContain(name);
      }
      const ext = await handle.pool.query("select 1 from pg_extension where extname = 'pg_trgm'");
      expect(ext.rowCount).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it('is a no-op the second time', async () => {
    const before = await countAppliedMigrations(testDb.url);
    await migrateDb(testDb.url);
    expect(await countAppliedMigrations(testDb.url)).toBe(before);
  });

  it('applies once when two processes migrate the same database at the same time', async () => {
    const name = `t_concurrent_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      await Promise.all([migrateDb(url.toString()), migrateDb(url.toString())]);
      expect(await countAppliedMigrations(url.toString())).toBe(await journalEntryCount());
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});

describe('constraints', () => {
  let testDb: TestDatabase;
  let handle: DbHandle;
  let db: Database;
  beforeAll(async () => {
    testDb = await createTestDatabase(adminUrl);
    handle = createDb(testDb.url, { max: 4 });
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it('rejects a handle or email that differs only by case', async () => {
    await insertUser(db, 'Pixel_Fan');
    const sameHandle = db.insert(users).values({ email: 'other@example.test', handle: 'PIXEL_FAN', handleCanonical: 'pixel_fan' });
    expect(await pgErrorOf(sameHandle)).toMatchObject({ code: '23505', constraint: 'users_handle_canonical_key' });
    const sameEmail = db.insert(users).values({ email: 'PIXEL_FAN@Example.Test', handle: 'another', handleCanonical: 'another' });
    expect(await pgErrorOf(sameEmail)).toMatchObject({ code: '23505', constraint: 'users_email_lower_key' });
    const tooShort = db.insert(users).values({ email: 'ab@example.test', handle: 'ab', handleCanonical: 'ab' });
    expect(await pgErrorOf(tooShort)).toMatchObject({
      code: '23514',
      constraint: expect.stringMatching(/^users_handle(_canonical)?_length$/),
    });
  });

  it('rejects a duplicate reaction and a sixth distinct emoji, but lets an existing one be re-added', async () => {
    const artist = await insertUser(db);
    const fan = await insertUser(db);
    const post = await insertArtwork(db, artist.id);
    await db.insert(reactions).values({ postId: post.id, userId: fan.id, emoji: '🔥' });
    const duplicate = db.insert(reactions).values({ postId: post.id, userId: fan.id, emoji: '🔥' });
    expect(await pgErrorOf(duplicate)).toMatchObject({ code: '23505', constraint: 'reactions_user_post_emoji_key' });

    for (const emoji of ['❤️', '👍', '✨', '🎨']) await db.insert(reactions).values({ postId: post.id, userId: fan.id, emoji });
    const sixth = db.insert(reactions).values({ postId: post.id, userId: fan.id, emoji: '😀' });
    expect(await pgErrorOf(sixth)).toMatchObject({ code: '23514', constraint: 'reactions_per_member_limit' });
    await db.insert(reactions).values({ postId: post.id, userId: fan.id, emoji: '🔥' }).onConflictDoNothing();
    const mine = await db.select().from(reactions).where(eq(reactions.userId, fan.id));
    expect(mine).toHaveLength(5);
  });

  it('rejects a duplicate storage key, and a duplicate sha256 only while the first post is live', async () => {
    const artist = await insertUser(db);
    const first = await insertArtwork(db, artist.id);
    const sameKey = insertArtwork(db, artist.id, { storageKey: first.storageKey });
    expect(await pgErrorOf(sameKey)).toMatchObject({ code: '23505', constraint: 'posts_storage_key_unique' });
    const sameBytes = insertArtwork(db, artist.id, { sha256: first.sha256 });
    expect(await pgErrorOf(sameBytes)).toMatchObject({ code: '23505', constraint: 'posts_sha256_live_key' });
    await db.update(posts).set({ deletedAt: new Date() }).where(eq(posts.id, first.id));
    const again = await insertArtwork(db, artist.id, { sha256: first.sha256 });
    expect(again.sha256).toBe(first.sha256);
  });

  it('rejects a ready artwork without its metadata and an oversized one', async () => {
    const artist = await insertUser(db);
    const bare = insertArtwork(db, artist.id, { state: 'ready' });
    expect(await pgErrorOf(bare)).toMatchObject({ code: '23514', constraint: 'posts_ready_artwork_metadata' });
    const tooWide = insertArtwork(db, artist.id, { width: 257 });
    expect(await pgErrorOf(tooWide)).toMatchObject({ code: '23514', constraint: 'posts_width_range' });
  });

  it('rejects a comment at depth 3 and a reply that skips a level', async () => {
    const artist = await insertUser(db);
    const post = await insertArtwork(db, artist.id);
    const insertComment = async (parentId: number | null, depth: number) => {
      const [row] = await db.insert(comments).values({ postId: post.id, authorId: artist.id, parentId, depth, body: 'nice' }).returning();
      return row!;
    };
    const root = await insertComment(null, 0);
    const reply = await insertComment(root.id, 1);
    const deepest = await insertComment(reply.id, 2);
    expect(await pgErrorOf(insertComment(deepest.id, 3))).toMatchObject({ code: '23514', constraint: 'comments_depth_range' });
    expect(await pgErrorOf(insertComment(root.id, 2))).toMatchObject({ code: '23514', constraint: 'comments_parent_consistent' });
    expect(await pgErrorOf(insertComment(null, 1))).toMatchObject({ code: '23514', constraint: 'comments_parent_matches_depth' });
  });

  it('rejects self-follows and a saved playset named like the dynamic one', async () => {
    const member = await insertUser(db);
    const selfFollow = db.insert(follows).values({ followerId: member.id, followeeId: member.id });
    expect(await pgErrorOf(selfFollow)).toMatchObject({ code: '23514', constraint: 'follows_not_self' });
    const reserved = db.insert(playsets).values({ ownerId: member.id, name: 'followed_artists', channels: [{ type: 'named', name: 'all' }] });
    expect(await pgErrorOf(reserved)).toMatchObject({ code: '23514', constraint: 'playsets_name_not_dynamic' });
  });

  it('resolves relational queries across posts, owners and playlist items', async () => {
    const artist = await insertUser(db);
    const artwork = await insertArtwork(db, artist.id);
    const [playlist] = await db.insert(posts).values({ kind: 'playlist', ownerId: artist.id, title: 'Loop' }).returning();
    await db.insert(playlistItems).values({ playlistId: playlist!.id, artworkId: artwork.id, position: 0, dwellTimeMs: 5000 });
    const found = await db.query.posts.findFirst({
      where: eq(posts.id, playlist!.id),
      with: { owner: true, playlistItems: { with: { artwork: true } } },
    });
    expect(found?.owner.handle).toBe(artist.handle);
    expect(found?.playlistItems.map((item) => item.artwork.storageKey)).toEqual([artwork.storageKey]);
    const overflow = db.insert(playlistItems).values({ playlistId: playlist!.id, artworkId: artwork.id, position: 100 });
    expect(await pgErrorOf(overflow)).toMatchObject({ code: '23514', constraint: 'playlist_items_position_range' });
  });

  it('allows one active token per player', async () => {
    const [player] = await db.insert(players).values({ playerKey: randomUUID() }).returning();
    const [first] = await db.insert(playerTokens).values({ playerId: player!.id, tokenHash: randomBytes(32).toString('hex') }).returning();
    const second = db.insert(playerTokens).values({ playerId: player!.id, tokenHash: randomBytes(32).toString('hex') });
    expect(await pgErrorOf(second)).toMatchObject({ code: '23505', constraint: 'player_tokens_one_active_key' });
    await db.update(playerTokens).set({ revokedAt: new Date() }).where(eq(playerTokens.id, first!.id));
    await db.insert(playerTokens).values({ playerId: player!.id, tokenHash: randomBytes(32).toString('hex') });
    const tokens = await db.select().from(playerTokens).where(eq(playerTokens.playerId, player!.id));
    expect(tokens.filter((t) => t.revokedAt === null)).toHaveLength(1);
  });

  it('keeps registration codes unique among pending players only', async () => {
    const owner = await insertUser(db);
    const expires = new Date(Date.now() + 15 * 60_000);
    const [pending] = await db
      .insert(players)
      .values({ playerKey: randomUUID(), registrationCode: 'AB2CD3', registrationCodeExpiresAt: expires })
      .returning();
    const clash = db.insert(players).values({ playerKey: randomUUID(), registrationCode: 'AB2CD3', registrationCodeExpiresAt: expires });
    expect(await pgErrorOf(clash)).toMatchObject({ code: '23505', constraint: 'players_pending_registration_code_key' });
    const badAlphabet = db.insert(players).values({ playerKey: randomUUID(), registrationCode: 'ABCDE0' });
    expect(await pgErrorOf(badAlphabet)).toMatchObject({ code: '23514', constraint: 'players_registration_code_format' });
    const unowned = db.update(players).set({ registeredAt: new Date() }).where(eq(players.id, pending!.id));
    expect(await pgErrorOf(unowned)).toMatchObject({ code: '23514', constraint: 'players_registered_has_owner' });

    await db.update(players).set({ registeredAt: new Date(), ownerId: owner.id, name: 'Desk' }).where(eq(players.id, pending!.id));
    const reused = await db
      .insert(players)
      .values({ playerKey: randomUUID(), registrationCode: 'AB2CD3', registrationCodeExpiresAt: expires })
      .returning();
    expect(reused[0]?.registrationCode).toBe('AB2CD3');
  });
});
