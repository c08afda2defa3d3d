import type { Database } from '@makapix/db';
import { errors } from '../../errors.ts';
import type { AuthUser } from '../../plugins/auth.ts';
import { VISITOR, type Viewer } from '../posts/visibility.ts';
import { findViewerFields } from './repo.ts';

/**
 * The `Viewer` every post query composes (features/posts/visibility.ts). For a member, role and
 * monitored-hashtag opt-ins are read fresh, so a change applies to the very next request.
 */
export async function viewerForUser(db: Database, userId: number): Promise<Viewer> {
  const fields = await findViewerFields(db, userId);
  if (!fields) return VISITOR;
  return {
    userId,
    isModerator: fields.role === 'moderator' || fields.role === 'owner',
    monitoredOptIns: [...fields.monitoredHashtags],
  };
}

/**
 * Viewer of an HTTP request: pass `req.viewer` (set by `app.requireUser` / `app.optionalUser`).
 * Visitors get `VISITOR`. Device requests use `viewerForUser` with the player's owner instead
 * (PROTOCOL.md §5: players follow their owner's opt-ins).
 */
export async function buildViewer(app: { db: Database }, user: AuthUser | null): Promise<Viewer> {
  return user ? viewerForUser(app.db, user.id) : VISITOR;
}

/** The member behind a route guarded by `app.requireUser` (which guarantees `req.viewer`). */
export function signedInUser(req: { viewer: AuthUser | null }): AuthUser {
  if (!req.viewer) throw errors.unauthorized();
  return req.viewer;
}
