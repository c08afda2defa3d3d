import { certificateRevocationLists, type Database, revokedCertificates, type DbOrTx } from '@makapix/db';
import { asc, count, desc, sql } from 'drizzle-orm';

/** A database handle or an open transaction. */
export type Db = DbOrTx;

/** Serialises CRL signing across every process that signs (api on revocation, worker's renew-crl). */
export async function lockCrlSigning(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('makapix:crl-signing'))`);
}

export async function listRevokedSerials(db: Db): Promise<{ serial: string; revokedAt: Date }[]> {
  return db.select({ serial: revokedCertificates.serial, revokedAt: revokedCertificates.revokedAt }).from(revokedCertificates).orderBy(asc(revokedCertificates.id));
}

export async function countRevokedSerials(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(revokedCertificates);
  return row?.n ?? 0;
}

export async function findLatestCrl(db: Db) {
  const [row] = await db.select().from(certificateRevocationLists).orderBy(desc(certificateRevocationLists.crlNumber)).limit(1);
  return row ?? null;
}

export async function insertCrl(db: Db, crl: { crlNumber: number; crlPem: string; thisUpdate: Date; nextUpdate: Date }): Promise<void> {
  await db.insert(certificateRevocationLists).values(crl);
}
