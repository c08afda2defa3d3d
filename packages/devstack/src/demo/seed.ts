import { type Database, createDb, users } from '@makapix/db';
import { MailSinkClient } from '../mail-client.ts';
import type { ImageFormat } from '@makapix/media';
import { eq, inArray, sql } from 'drizzle-orm';
import { type SeedConfig, loadSeedConfig } from './seed-config.ts';
import { generateArtwork, type ArtworkSpec } from './generate-art.ts';
import { SeedApi, type Session } from './seed-api.ts';

/**
 * Demo data for `npm start` (docs/product.md §7): a site owner, artists with ≥50 procedurally generated
 * artworks in every allowed format (animated GIF/WebP included), follows, reactions, comments and
 * promotions. Runs once: a database that already has the demo owner is left alone.
 */
const ARTISTS = ['ada', 'bitsy', 'chip', 'dither', 'eight'];
const SIZES: [number, number][] = [[8, 8], [16, 16], [32, 32], [64, 64], [128, 128], [32, 64], [64, 32], [16, 32], [160, 144], [256, 256], [128, 64]];
const TAGS = ['pixelart', 'sprite', 'retro', 'tiny', 'loop', 'space', 'palette'];
const MIME: Record<ImageFormat, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp' };
const log = (msg: string) => process.stdout.write(`${msg}\n`);

function specFor(i: number): ArtworkSpec {
  const [width, height] = SIZES[i % SIZES.length]!;
  // Every 4th artwork animates (GIF and WebP alternate); the rest cycle through all four formats.
  if (i % 4 === 3) return { format: i % 8 === 3 ? 'gif' : 'webp', width: Math.min(width, 128), height: Math.min(height, 128), frames: 4 + (i % 9) };
  const format = (['png', 'gif', 'webp', 'bmp'] as const)[i % 4]!;
  return { format, width, height };
}

const config = loadSeedConfig();
const handle = createDb(config.db.url, { max: 2 });
try {
  const [existing] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, config.ownerEmail));
  if (existing) {
    log('demo data already present; nothing to seed');
  } else {
    await seed(config, handle.db);
  }
} finally {
  await handle.close();
}

async function seed(config: SeedConfig, db: Database) {
  const api = new SeedApi(config.origin, new MailSinkClient(config.mailApiUrl));
  // The owner role comes from OWNER_EMAILS, which the dev command sets to the demo owner's address.
  const owner = await api.signUp(config.ownerEmail, 'demo', config.password);
  const artists: Session[] = [];
  for (const name of ARTISTS) artists.push(await api.signUp(`${name}@makapix.club`, name, config.password));
  log(`seed: ${artists.length + 1} members signed up and verified through the mail sink`);

  // Established artists: trusted (public at once) and enough reputation for the 64/hour upload tier.
  await db.update(users).set({ reputation: 500 }).where(inArray(users.email, ARTISTS.map((a) => `${a}@makapix.club`)));
  for (const a of artists) await api.trust(owner, a.userId);

  const posts: { id: string; artist: Session }[] = [];
  for (let i = 0; i < config.artworks; i++) {
    const artist = artists[i % artists.length]!;
    const spec = specFor(i);
    const bytes = await generateArtwork(1000 + i, spec);
    const tags = [TAGS[i % TAGS.length]!, TAGS[(i * 3 + 1) % TAGS.length]!, ...(spec.frames ? ['animated'] : [])];
    const title = `${spec.frames ? 'Animated ' : ''}${spec.format.toUpperCase()} sprite #${i + 1} (${spec.width}×${spec.height})`;
    posts.push({ id: await api.upload(artist, { bytes, name: `demo-${i}.${spec.format}`, type: MIME[spec.format] }, title, tags), artist });
  }
  let ready = 0;
  for (const p of posts) if ((await api.waitProcessed(p.artist, p.id, 180_000)) === 'ready') ready++;
  log(`seed: ${ready}/${posts.length} artworks processed by the worker into the vault`);

  const members = [owner, ...artists];
  for (const m of members) for (const a of artists) if (m.userId !== a.userId && (m.handle.length + a.handle.length) % 3 !== 0) await api.follow(m, a.userId);
  const emoji = ['❤️', '🔥', '👾', '✨', '🎨'];
  for (const [i, p] of posts.entries()) {
    for (const [j, m] of members.entries()) if (m.userId !== p.artist.userId && (i + j) % 3 === 0) await api.react(m, p.id, emoji[(i + j) % emoji.length]!);
    if (i % 5 === 0) await api.comment(members[(i + 1) % members.length]!, p.id, `Love the palette on this one (#${i + 1})!`);
    if (i % 6 === 0) await api.promote(owner, p.id);
  }
  const { rows } = await db.execute<{ count: number }>(sql`select count(*)::int as count from posts where state = 'ready'`);
  log(`seed: done — ${rows[0]?.count ?? 0} ready artworks, follows, reactions, comments and promotions in place`);
}
