import { blocks, MONITORED_HASHTAGS, posts, users } from '@makapix/db';
import { and, eq, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Viewer } from './viewer.ts';

export { VISITOR, type Viewer } from './viewer.ts';

// The one place where docs/product.md §1–4 visibility rules become SQL. Every feed, search, page, device
// channel and command check composes these instead of restating conditions.

/** The owner's account is live: not deleted, not hidden by a moderator, not currently banned. */
const ownerActive: SQL = sql`exists (select 1 from ${users} u where u.id = ${posts.ownerId}
  and u.deleted_at is null and u.hidden_at is null and (u.banned_until is null or u.banned_until <= now()))`;

/** The monitored hashtags (docs/product.md §1) the viewer has not opted in to: all of them for visitors. */
export function hiddenMonitoredTags(viewer: Viewer): string[] {
  return MONITORED_HASHTAGS.filter((h) => !viewer.monitoredOptIns.includes(h));
}

const withoutTags = (tags: SQL) => sql`not (${posts.hashtags} && ${tags}::text[])`;
const notBlockedBy = (viewerId: SQL | number) =>
  sql`not exists (select 1 from ${blocks} b where b.blocker_id = ${viewerId} and b.blocked_id = ${posts.ownerId})`;

/** Monitored hashtags the viewer has not opted in to are filtered out; visitors never see them. */
function monitoredAllowed(viewer: Viewer): SQL | undefined {
  const hidden = hiddenMonitoredTags(viewer);
  if (hidden.length === 0) return undefined;
  return withoutTags(sql`array[${sql.join(hidden.map((h) => sql`${h}`), sql`, `)}]`);
}

/** docs/product.md §4: the blocker no longer sees the blocked member's content. */
function notBlockedByViewer(viewer: Viewer): SQL | undefined {
  if (viewer.userId === null) return undefined;
  return notBlockedBy(viewer.userId);
}

const isOwner = (viewer: Viewer): SQL | undefined => (viewer.userId === null ? undefined : eq(posts.ownerId, viewer.userId));

/**
 * Constants as SQL literals, never bound parameters: a prepared statement's generic plan can then
 * prove the partial index `posts_public_feed_idx` (state = 'ready' … non_conformant = false) applies
 * (packages/db/src/prepared.ts).
 */
export const isReady: SQL = sql`${posts.state} = 'ready'`;
export const isArtwork: SQL = sql`${posts.kind} = 'artwork'`;

/** Ready, not deleted, not hidden by anyone, conformant: the common base of everything public. */
const publiclyIntact: SQL = and(
  isReady,
  isNull(posts.deletedAt),
  isNull(posts.hiddenByModAt),
  isNull(posts.hiddenByOwnerAt),
  sql`${posts.nonConformant} = false`,
)!;

/**
 * Public feeds (recent, promoted, hashtag, following, search, device channels other than `user`):
 * approved posts only (new members' posts wait for approval, docs/product.md §1).
 */
export function inPublicFeeds(viewer: Viewer): SQL {
  return and(publiclyIntact, isNotNull(posts.approvedAt), ownerActive, monitoredAllowed(viewer), notBlockedByViewer(viewer))!;
}

/**
 * inPublicFeeds for a prepared statement, which one viewer-independent SQL text must serve: the
 * viewer's values are the placeholders `viewerId` (0 for visitors: nobody blocks as user 0) and
 * `hiddenTags` (hiddenMonitoredTags, possibly empty), bound with preparedViewerValues.
 */
export function inPublicFeedsPrepared(): SQL {
  return and(
    publiclyIntact,
    isNotNull(posts.approvedAt),
    ownerActive,
    withoutTags(sql`${sql.placeholder('hiddenTags')}`),
    notBlockedBy(sql`${sql.placeholder('viewerId')}`),
  )!;
}

export function preparedViewerValues(viewer: Viewer): { viewerId: number; hiddenTags: string[] } {
  return { viewerId: viewer.userId ?? 0, hiddenTags: hiddenMonitoredTags(viewer) };
}

/**
 * An artist's profile: their ready posts show there before approval (docs/product.md §1). The artist
 * themself also sees their hidden, processing and failed posts.
 */
export function onProfile(viewer: Viewer, ownerId: number): SQL {
  const forOthers = and(publiclyIntact, ownerActive, monitoredAllowed(viewer), notBlockedByViewer(viewer));
  if (viewer.userId === ownerId) return and(eq(posts.ownerId, ownerId), isNull(posts.deletedAt))!;
  return and(eq(posts.ownerId, ownerId), forOthers)!;
}

/**
 * onProfile for a prepared statement: `ownerId`, `viewerId` and `hiddenTags` are placeholders
 * (preparedViewerValues). Two SQL texts, since the artist's own view has other rules than everyone
 * else's: `own` when the viewer is the artist.
 */
export function onProfilePrepared(own: boolean): SQL {
  const owner = eq(posts.ownerId, sql.placeholder('ownerId'));
  if (own) return and(owner, isNull(posts.deletedAt))!;
  return and(
    owner,
    publiclyIntact,
    ownerActive,
    withoutTags(sql`${sql.placeholder('hiddenTags')}`),
    notBlockedBy(sql`${sql.placeholder('viewerId')}`),
  )!;
}

/**
 * Direct link (`/p/{sqid}`, get_post, show_artwork): approval not needed. Owners always see their
 * own non-deleted posts; moderators also see hidden ones.
 */
export function viewableByLink(viewer: Viewer): SQL {
  const forEveryone = and(publiclyIntact, ownerActive, monitoredAllowed(viewer), notBlockedByViewer(viewer));
  const forModerators = viewer.isModerator ? and(isReady, isNull(posts.deletedAt)) : undefined;
  const own = isOwner(viewer);
  return or(forEveryone, forModerators, own ? and(own, isNull(posts.deletedAt)) : undefined)!;
}

/** Promoted channel / feed (docs/device-protocol.md §5 `promoted`). */
export function inPromoted(viewer: Viewer): SQL {
  return and(inPublicFeeds(viewer), isNotNull(posts.promotedAt))!;
}

/** inPromoted for a prepared statement (see inPublicFeedsPrepared). */
export function inPromotedPrepared(): SQL {
  return and(inPublicFeedsPrepared(), isNotNull(posts.promotedAt))!;
}
