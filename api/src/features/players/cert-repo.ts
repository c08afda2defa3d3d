import { revokedCertificates } from '@makapix/db';
import type { Db } from './repo.ts';

export async function insertRevokedSerials(db: Db, entries: readonly { serial: string; playerId: number; reason: string }[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(revokedCertificates).values([...entries]).onConflictDoNothing({ target: revokedCertificates.serial });
}
