import { type Database, users } from '@makapix/db';
import { eq } from 'drizzle-orm';

export interface AccountStatus {
  id: number;
  role: 'member' | 'moderator' | 'owner';
  bannedUntil: Date | null;
  deactivatedAt: Date | null;
  deletedAt: Date | null;
  emailVerifiedAt: Date | null;
}

/** The columns every authenticated request checks (bans are enforced on every request, docs/product.md §1). */
export async function findAccountStatus(db: Database, userId: number): Promise<AccountStatus | null> {
  const [row] = await db
    .select({
      id: users.id,
      role: users.role,
      bannedUntil: users.bannedUntil,
      deactivatedAt: users.deactivatedAt,
      deletedAt: users.deletedAt,
      emailVerifiedAt: users.emailVerifiedAt,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}
