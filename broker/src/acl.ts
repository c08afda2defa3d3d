import { isValidRequestId, parsePlayerTopic, PLAYER_KEY_RE, TOPIC_RULES, TOPIC_ROOT } from '@makapix/protocol';

/**
 * Who is on the other end of a session. A player is known only by its client certificate (CN = key,
 * docs/device-protocol.md §1); a service account only by the internal listener's username/password.
 */
export type Identity =
  | { kind: 'player'; playerKey: string; certSerial: string }
  | { kind: 'service'; username: string };

export type AclDenyReason =
  | 'not_a_player_topic'
  | 'foreign_player'
  | 'wrong_direction'
  | 'retain_not_allowed'
  | 'filter_not_allowed';

export type AclDecision = { allowed: true } | { allowed: false; reason: AclDenyReason };

const ALLOW: AclDecision = { allowed: true };
const deny = (reason: AclDenyReason): AclDecision => ({ allowed: false, reason });

/**
 * docs/device-protocol.md §4, default deny. A player publishes only its own device → server topics, and sets the
 * retain flag only where the table says "yes" (capabilities, state). A service account publishes only
 * server → device topics, for any player, never retained (nothing it sends is meant to outlive the
 * moment). Anything that is not exactly one of the §4 topics — `$SYS`, wildcards, other prefixes,
 * extra levels — is denied.
 */
export function authorizePublish(identity: Identity, topic: string, retain = false): AclDecision {
  const parsed = parsePlayerTopic(topic);
  if (!parsed) return deny('not_a_player_topic');
  const rule = TOPIC_RULES[parsed.kind];
  if (identity.kind === 'player') {
    if (parsed.key !== identity.playerKey) return deny('foreign_player');
    if (rule.direction !== 'device_to_server') return deny('wrong_direction');
    if (retain && !rule.retain) return deny('retain_not_allowed');
    return ALLOW;
  }
  if (rule.direction !== 'server_to_device') return deny('wrong_direction');
  if (retain) return deny('retain_not_allowed');
  return ALLOW;
}

/**
 * docs/device-protocol.md §3–§4: a player subscribes only to what it receives — its own `command`, `view/ack`
 * and `response/#` (or one `response/{id}`, or the equivalent `response/+`). No other wildcard, no
 * other player, no `$SYS`. A service account may subscribe to anything under `makapix/player/`.
 */
export function authorizeSubscribe(identity: Identity, filter: string): AclDecision {
  if (identity.kind === 'service') {
    return isServiceFilter(filter) ? ALLOW : deny('filter_not_allowed');
  }
  const prefix = `${TOPIC_ROOT}/${identity.playerKey}/`;
  if (!filter.startsWith(prefix)) {
    return isForeignPlayerFilter(filter) ? deny('foreign_player') : deny('filter_not_allowed');
  }
  const rest = filter.slice(prefix.length);
  if (rest === 'command' || rest === 'view/ack' || rest === 'response/#' || rest === 'response/+') return ALLOW;
  if (rest.startsWith('response/') && isValidRequestId(rest.slice('response/'.length))) return ALLOW;
  return deny('filter_not_allowed');
}

const SERVICE_PREFIX = `${TOPIC_ROOT}/`;

function isServiceFilter(filter: string): boolean {
  if (!filter.startsWith(SERVICE_PREFIX)) return false;
  // Every level after the prefix must be non-empty: `makapix/player//x` names no player.
  return filter.slice(SERVICE_PREFIX.length).split('/').every((level) => level.length > 0);
}

/** A concrete other player's subtree (only used to give a precise reason in logs). */
function isForeignPlayerFilter(filter: string): boolean {
  const key = filter.split('/')[2];
  return filter.startsWith(SERVICE_PREFIX) && key !== undefined && PLAYER_KEY_RE.test(key);
}
