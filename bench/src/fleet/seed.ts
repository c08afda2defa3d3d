import { createHash, randomUUID } from 'node:crypto';
import { hashPassword } from '@makapix/api/features/accounts/password';
import { createDb, passwordCredentials, posts, users } from '@makapix/db';
import { canonicalHandle, MAX_PLAYERS_PER_USER } from '@makapix/protocol';
import { LocalVaultStore, storageShard, writeArtworkFiles } from '@makapix/vault';
import sharp from 'sharp';

export const FLEET_PASSWORD = 'fleet-pixels-42';

/** `fleet{n}@example.test`, the pattern the fleet CLI expands (`--owner 'fleet{n}@example.test'`). */
export const OWNER_PATTERN = 'fleet{n}@example.test';

/**
 * Verified owner accounts (one per 128 players, docs/device-protocol.md §2.2) that log in through the API with
 * FLEET_PASSWORD, one artist, and `artworks` ready, approved artworks for the channels to page.
 * Only accounts and posts go in directly (sign-up by mail is not what this benchmark measures):
 * every player is provisioned, registered and served through the API. Each artwork has its real
 * file in the vault (both layouts): the worker's verify-vault job hides posts whose file is missing.
 */
export async function seedFleet(databaseUrl: string, vaultDir: string, players: number, artworks: number): Promise<string[]> {
  const { db, close } = createDb(databaseUrl, { max: 2 });
  try {
    const passwordHash = await hashPassword(FLEET_PASSWORD);
    const owners: string[] = [];
    const addUser = async (handle: string, email: string) => {
      const [row] = await db
        .insert(users)
        .values({ email, handle, handleCanonical: canonicalHandle(handle), role: 'member', emailVerifiedAt: new Date() })
        .returning({ id: users.id });
      await db.insert(passwordCredentials).values({ userId: row!.id, passwordHash });
      return row!.id;
    };
    for (let n = 1; n <= Math.ceil(players / MAX_PLAYERS_PER_USER); n++) {
      const email = OWNER_PATTERN.replace('{n}', String(n));
      await addUser(`fleetowner${n}`, email);
      owners.push(email);
    }
    const artist = await addUser('fleetartist', 'fleet-artist@example.test');
    const now = new Date();
    const vault = new LocalVaultStore(vaultDir);
    const rows = [];
    for (let i = 0; i < artworks; i++) {
      const storageKey = randomUUID();
      const bytes = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 } } }).png().toBuffer();
      await writeArtworkFiles(vault, storageKey, [{ ext: 'png', bytes }]);
      rows.push({
        kind: 'artwork' as const, ownerId: artist, title: `fleet art ${i + 1}`, hashtags: i % 4 === 0 ? ['fleet'] : [], state: 'ready' as const,
        storageKey, storageShard: storageShard(storageKey), sha256: createHash('sha256').update(bytes).digest('hex'),
        nativeFormat: 'png' as const, width: 32, height: 32, fileBytes: bytes.length, frameCount: 1, uniqueColors: 1,
        transparencyActual: false, alphaActual: false, approvedAt: now, nonConformant: false, artworkModifiedAt: now,
      });
    }
    for (let i = 0; i < rows.length; i += 500) await db.insert(posts).values(rows.slice(i, i + 500));
    return owners;
  } finally {
    await close();
  }
}
