import pg from 'pg';

/**
 * The feed's data: `owners` artists and `posts` ready, approved, public artworks, inserted by one
 * `insert … select … from generate_series` each, then ANALYZE so the planner sees the real table.
 * Every column the posts CHECK constraints need for a ready artwork is filled
 * (packages/db/src/schema/posts.ts): storage key and shard, native format, size, bytes, frames,
 * a unique lower-case hex sha256. No monitored hashtag (docs/product.md §1), so visitors see every post.
 */

const SEED_OWNERS = `
  insert into users (email, handle, handle_canonical, email_verified_at, reputation, trusted)
  select 'artist' || g || '@bench.invalid', 'Artist' || g, 'artist' || g, now(), 100, true
  from generate_series(1, $1::int) g`;

// created_at grows with g (one minute apart), like ids, as real uploads do.
const SEED_POSTS = `
  with owners as (select array_agg(id order by id) as ids from users),
  keyed as (select g, gen_random_uuid() as key from generate_series(1, $1::int) g)
  insert into posts (kind, owner_id, title, description, hashtags, state, storage_key, storage_shard,
    native_format, width, height, file_bytes, frame_count, unique_colors, transparency_meta, alpha_meta,
    transparency_actual, alpha_actual, sha256, approved_at, metadata_modified_at, artwork_modified_at, created_at)
  select 'artwork', owners.ids[1 + (g % cardinality(owners.ids))], 'Pixel piece ' || g, 'Seeded for the feed benchmark',
    array['pixelart', 'tag' || (g % 50)],
    'ready', key,
    substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || substr(h, 5, 2),
    (array['png', 'gif', 'webp', 'bmp'])[1 + g % 4]::image_format,
    (array[16, 32, 64, 128])[1 + (g / 4) % 4], (array[16, 32, 64, 128])[1 + (g / 16) % 4],
    1000 + g % 4000,
    case when g % 4 in (1, 2) and g % 3 = 0 then 1 + g % 16 else 1 end,
    2 + g % 200, g % 2 = 0, false, g % 2 = 0, false,
    encode(sha256(('feed-bench-' || g)::bytea), 'hex'),
    now() - make_interval(mins => $1::int - g) + interval '10 seconds',
    now() - make_interval(mins => $1::int - g),
    now() - make_interval(mins => $1::int - g),
    now() - make_interval(mins => $1::int - g)
  from keyed, owners, lateral (select encode(sha256(key::text::bytea), 'hex') as h) shard`;

// The member contender and the device round trip act as the first artist, through one registered
// player (docs/device-protocol.md §2: a player acts for its owner, with the owner's opt-ins).
const SEED_PLAYER = `
  insert into players (player_key, owner_id, name, registered_at)
  select gen_random_uuid(), min(id), 'Bench player', now() from users
  returning owner_id as "ownerId", player_key as "playerKey"`;

export interface SeedResult {
  owners: number;
  posts: number;
  seconds: number;
  tableMb: number;
  /** The member behind the member contender and the device's player. */
  member: { userId: number; playerKey: string };
}

export async function seedFeed(databaseUrl: string, owners: number, posts: number): Promise<SeedResult> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(SEED_OWNERS, [owners]);
    await client.query(SEED_POSTS, [posts]);
    const player = await client.query<{ ownerId: string; playerKey: string }>(SEED_PLAYER);
    const member = { userId: Number(player.rows[0]?.ownerId), playerKey: player.rows[0]?.playerKey ?? '' };
    await client.query('analyze users');
    await client.query('analyze posts');
    const counted = await client.query<{ owners: string; posts: string; bytes: string }>(
      `select (select count(*) from users) as owners, (select count(*) from posts) as posts,
        pg_total_relation_size('posts') as bytes`,
    );
    const row = counted.rows[0];
    if (!row || Number(row.posts) !== posts || Number(row.owners) !== owners) {
      throw new Error(`seed: expected ${owners} owners and ${posts} posts, found ${JSON.stringify(row)}`);
    }
    return { owners, posts, seconds: (performance.now() - started) / 1000, tableMb: Number(row.bytes) / 1e6, member };
  } finally {
    await client.end();
  }
}
