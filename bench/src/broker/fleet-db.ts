import pg from 'pg';
import type { FleetPlayer } from './fleet-certs.ts';

const CHUNK = 1000;

/**
 * One owner and every fleet player, registered with its certificate on record, so the broker's CONNECT
 * check (player exists, owner eligible, serial current and not revoked — docs/device-protocol.md §1) and the api's
 * request check (§5) pass exactly as for real devices. Bulk inserts: one statement per 1,000 players.
 */
export async function insertFleet(databaseUrl: string, players: readonly FleetPlayer[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const owner = await client.query<{ id: number }>(
      `insert into users (email, handle, handle_canonical, email_verified_at)
       values ('bench-owner@example.test', 'benchowner', 'benchowner', now()) returning id`,
    );
    const ownerId = owner.rows[0]?.id;
    if (ownerId === undefined) throw new Error('owner insert returned no row');
    for (let i = 0; i < players.length; i += CHUNK) {
      const chunk = players.slice(i, i + CHUNK);
      await client.query(
        `insert into players (player_key, owner_id, name, device_model, registered_at, cert_serial, cert_not_after, cert_pem)
         select k, $1, 'Bench player', 'bench', now(), s, na, pem
         from unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) as t(k, s, na, pem)`,
        [ownerId, chunk.map((p) => p.key), chunk.map((p) => p.serial), chunk.map((p) => p.notAfter), chunk.map((p) => p.certPem)],
      );
    }
    await client.query('analyze players');
    await client.query('analyze users');
  } finally {
    await client.end();
  }
}
