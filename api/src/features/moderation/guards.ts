import type { Role } from '../../plugins/auth.ts';

// docs/product.md §1: moderators act on members; only the site owner acts on moderators; nobody acts on the
// site owner (or on themself) through the moderation routes.
const RANK: Record<Role, number> = { member: 0, moderator: 1, owner: 2 };

/** True when an actor of `actorRole` may hide, ban or (un)trust a member holding `targetRole`. */
export function canActOnMember(actorRole: Role, targetRole: Role): boolean {
  return RANK[targetRole] < RANK[actorRole];
}

/** A ban lasting until this instant or later is permanent (users.banned_until, PERMANENT_BAN_UNTIL). */
export function isBanActive(bannedUntil: Date | null, now: Date = new Date()): boolean {
  return bannedUntil !== null && bannedUntil > now;
}
