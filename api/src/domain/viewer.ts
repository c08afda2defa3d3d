import { type Database, literalLimit, preparedPerDb, users } from '@makapix/db';
import { eq, sql } from 'drizzle-orm';
import { errors } from '../errors.ts';
import type { AuthUser, Role } from '../plugins/auth.ts';

/**
 * Who is looking. Built once per request by the auth plugin (`req.audience`) or per device request
 * (from the player's owner, docs/device-protocol.md §5: players follow their owner's opt-ins) and
 * handed to every query that composes the visibility rules (domain/visibility.ts).
 */
export interface Viewer {
  /** null for a visitor. */
  userId: number | null;
  /** Moderators and the site owner see hidden content (to moderate it). */
  isModerator: boolean;
  /** Monitored hashtags this member opted in to (docs/product.md §1); always empty for visitors. */
  monitoredOptIns: readonly string[];
}

export const VISITOR: Viewer = Object.freeze({ userId: null, isModerator: false, monitoredOptIns: Object.freeze([]) });

/** Everything a request needs to know about its member: whether they may act, and what they may see. */
export interface ViewerAccount {
  id: number;
  role: Role;
  bannedUntil: Date | null;
  deactivatedAt: Date | null;
  deletedAt: Date | null;
  monitoredHashtags: string[];
}

// The one read of the member's row per authenticated request (plugins/auth.ts): status, role and
// opt-ins together, as a named prepared statement (a primary-key lookup, whose generic plan is
// the only plan there is).
const prepared = preparedPerDb((db: Database) =>
  db
    .select({
      id: users.id,
      role: users.role,
      bannedUntil: users.bannedUntil,
      deactivatedAt: users.deactivatedAt,
      deletedAt: users.deletedAt,
      monitoredHashtags: users.monitoredHashtags,
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('userId')))
    .limit(literalLimit(1))
    .prepare('viewer_account'),
);

export async function findViewerAccount(db: Database, userId: number): Promise<ViewerAccount | null> {
  const [row] = await prepared(db).execute({ userId });
  return row ?? null;
}

/** The visibility Viewer of an account (role and opt-ins as read, so a change applies at once). */
export function viewerOf(account: Pick<ViewerAccount, 'id' | 'role' | 'monitoredHashtags'>): Viewer {
  return {
    userId: account.id,
    isModerator: account.role === 'moderator' || account.role === 'owner',
    monitoredOptIns: account.monitoredHashtags,
  };
}

/**
 * The Viewer of a member outside an HTTP request of theirs (commands, jobs, services acting for a
 * user id); a request's own Viewer is `req.audience`. Unknown ids see what visitors see.
 */
export async function viewerForUser(db: Database, userId: number): Promise<Viewer> {
  const account = await findViewerAccount(db, userId);
  return account ? viewerOf(account) : VISITOR;
}

/** The member behind a route guarded by `app.requireUser` (which guarantees `req.viewer`). */
export function signedInUser(req: { viewer: AuthUser | null }): AuthUser {
  if (!req.viewer) throw errors.unauthorized();
  return req.viewer;
}
