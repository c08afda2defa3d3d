import { blocks, MONITORED_HASHTAGS, posts, users } from '@makapix/db';
import { and, eq, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';

/**
 * Who is looking. Built once per request (web/API) or per device request (from the player's owner,
 * PROTOCOL.md §5: players follow their owner's opt-ins) and handed to every query.
 */
export interface Viewer {
  /** null for a visitor. */
  userId: number | null;
  /** Moderators and the site owner see hidden content (to moderate it). */
  isModerator: boolean;
  /** Monitored hashtags this member opted in to (SPEC.md §1); always empty for visitors. */
  monitoredOptIns: readonly string[];
}

export const VISITOR: Viewer = { userId: null, isModerator: false, monitoredOptIns: [] };

// The one place where SPEC.md §1–4 visibility rules become SQL. Every feed, search, page, device
// channel and command check composes these instead of restating conditions.

/** The owner's account is live: not deleted, not hidden by a moderator, not currently banned. */
const ownerActive: SQL = sql`exists (select 1 from ${users} u where u.id = ${posts.ownerId}
  and u.deleted_at is null and u.hidden_at is null and (u.banned_until is null or u.banned_until <= now()))`;

/** Monitored hashtags the viewer has not opted in to are filtered out; visitors never see them. */
function monitoredAllowed(viewer: Viewer): SQL | undefined {
  const blocked = MONITORED_HASHTAGS.filter((h) => !viewer.monitoredOptIns.includes(h));
  if (blocked.length === 0) return undefined;
  return sql`not (${posts.hashtags} && ${sql`array[${sql.join(blocked.map((h) => sql`${h}`), sql`, `)}]::text[]`})`;
}

/** SPEC.md §4: the blocker no longer sees the blocked member's content. */
function notBlockedByViewer(viewer: Viewer): SQL | undefined {
  if (viewer.userId === null) return undefined;
  return sql`not exists (select 1 from ${blocks} b where b.blocker_id = ${viewer.userId} and b.blocked_id = ${posts.ownerId})`;
}

const isOwner = (viewer: Viewer): SQL | undefined => (viewer.userId === null ? undefined : eq(posts.ownerId, viewer.userId));

/** Ready, not deleted, not hidden by anyone, conformant: the common base of everything public. */
const publiclyIntact: SQL = and(
  eq(posts.state, 'ready'),
  isNull(posts.deletedAt),
  isNull(posts.hiddenByModAt),
  isNull(posts.hiddenByOwnerAt),
  eq(posts.nonConformant, false),
)!;

/**
 * Public feeds (recent, promoted, hashtag, following, search, device channels other than `user`):
 * approved posts only (new members' posts wait for approval, SPEC.md §1).
 */
export function inPublicFeeds(viewer: Viewer): SQL {
  return and(publiclyIntact, isNotNull(posts.approvedAt), ownerActive, monitoredAllowed(viewer), notBlockedByViewer(viewer))!;
}

/**
 * An artist's profile: their ready posts show there before approval (SPEC.md §1). The artist
 * themself also sees their hidden, processing and failed posts.
 */
export function onProfile(viewer: Viewer, ownerId: number): SQL {
  const forOthers = and(publiclyIntact, ownerActive, monitoredAllowed(viewer), notBlockedByViewer(viewer));
  if (viewer.userId === ownerId) return and(eq(posts.ownerId, ownerId), isNull(posts.deletedAt))!;
  return and(eq(posts.ownerId, ownerId), forOthers)!;
}

/**
 * Direct link (`/p/{sqid}`, get_post, show_artwork): approval not needed. Owners always see their
 * own non-deleted posts; moderators also see hidden ones.
 */
export function viewableByLink(viewer: Viewer): SQL {
  const forEveryone = and(publiclyIntact, ownerActive, monitoredAllowed(viewer), notBlockedByViewer(viewer));
  const forModerators = viewer.isModerator ? and(eq(posts.state, 'ready'), isNull(posts.deletedAt)) : undefined;
  const own = isOwner(viewer);
  return or(forEveryone, forModerators, own ? and(own, isNull(posts.deletedAt)) : undefined)!;
}

/** Promoted channel / feed (PROTOCOL.md §5 `promoted`). */
export function inPromoted(viewer: Viewer): SQL {
  return and(inPublicFeeds(viewer), isNotNull(posts.promotedAt))!;
}
