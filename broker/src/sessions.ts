import type { Client } from 'aedes';
import type { Identity } from './acl.ts';

interface SessionInfo {
  identity: Identity;
  /** When the CONNECT access check started: a kick after this instant must still cut the session. */
  checkedAt: number;
  deniedPublishes: number;
}

/** How long a kick is remembered for sessions whose CONNECT check raced it. */
const KICK_MEMORY_MS = 30_000;

/**
 * Identities of authenticated clients and the live sessions of each player, so a kick finds every
 * connection of a key (docs/device-protocol.md §1 (ours)). Identities are keyed by the Aedes client object, never
 * by client id or username, which the peer chooses.
 */
export class SessionRegistry {
  private readonly info = new WeakMap<Client, SessionInfo>();
  private readonly byPlayer = new Map<string, Set<Client>>();
  private readonly kickedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  attach(client: Client, identity: Identity, checkedAt: number): void {
    this.info.set(client, { identity, checkedAt, deniedPublishes: 0 });
  }

  identityOf(client: Client | null | undefined): Identity | undefined {
    return client ? this.info.get(client)?.identity : undefined;
  }

  /**
   * Registers a session once Aedes accepted it. Returns false when its player was kicked after the
   * CONNECT check began (the check may have read the database before the revocation committed): the
   * caller closes such a session at once.
   */
  register(client: Client): boolean {
    const info = this.info.get(client);
    if (info?.identity.kind !== 'player') return true;
    const key = info.identity.playerKey;
    let set = this.byPlayer.get(key);
    if (!set) {
      set = new Set();
      this.byPlayer.set(key, set);
    }
    set.add(client);
    for (const kicked of [this.kickedAt.get(key), this.kickedAt.get(`${key}:${info.identity.certSerial}`)]) {
      if (kicked !== undefined && kicked >= info.checkedAt) return false;
    }
    return true;
  }

  unregister(client: Client): void {
    const identity = this.identityOf(client);
    if (identity?.kind !== 'player') return;
    const set = this.byPlayer.get(identity.playerKey);
    set?.delete(client);
    if (set?.size === 0) this.byPlayer.delete(identity.playerKey);
  }

  /** Live sessions of a player, optionally only those authenticated with one certificate serial. */
  sessionsOf(playerKey: string, certSerial?: string): Client[] {
    const clients = [...(this.byPlayer.get(playerKey) ?? [])];
    if (certSerial === undefined) return clients;
    return clients.filter((c) => {
      const identity = this.identityOf(c);
      return identity?.kind === 'player' && identity.certSerial === certSerial;
    });
  }

  noteKick(playerKey: string, certSerial?: string): void {
    const now = this.now();
    for (const [key, at] of this.kickedAt) if (now - at > KICK_MEMORY_MS) this.kickedAt.delete(key);
    this.kickedAt.set(certSerial === undefined ? playerKey : `${playerKey}:${certSerial}`, now);
  }

  /** Counts a denied PUBLISH; docs/device-protocol.md §4: the client is disconnected on repeat. */
  recordDeniedPublish(client: Client): number {
    const info = this.info.get(client);
    if (!info) return Number.POSITIVE_INFINITY;
    info.deniedPublishes += 1;
    return info.deniedPublishes;
  }

  get livePlayers(): number {
    return this.byPlayer.size;
  }
}
