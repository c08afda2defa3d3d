import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { findAccountStatus } from '../features/accounts/status-repo.ts';

/**
 * Why the server ended a live stream, sent to the client in the stream's last event:
 * `token_expired` → reconnect with a fresh access token; `banned` / `account_inactive` → do not.
 */
export type StreamEndReason = 'token_expired' | 'banned' | 'account_inactive';

/** One Redis channel for every api process: "re-check this member's live streams" (payload: user id). */
export const MEMBER_STATUS_CHANNEL = 'makapix:member-status';

// setTimeout fires at once for delays above 2^31-1 ms; access tokens live 15 minutes anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;

declare module 'fastify' {
  interface FastifyInstance {
    liveStreams: {
      /**
       * Registers an open stream of `userId` authenticated by a token valid until `tokenExp` (JWT
       * `exp`, seconds). `end` is called at most once: when the token expires, or when the member is
       * banned, deactivated or deleted. Returns the release to call when the stream closes.
       */
      track(userId: number, tokenExp: number, end: (reason: StreamEndReason) => void): () => void;
      /** After committing a ban, deactivation or deletion: every api process re-checks the member and ends their streams. */
      revalidateMember(userId: number): Promise<void>;
    };
  }
}

/**
 * docs/product.md §1 "bans are enforced on web, API and MQTT at once": a request is authenticated once, but
 * an SSE stream lives on, so an open stream is ended when its token expires and when its member may
 * no longer sign in. The ban (or deactivation) is announced on one pub/sub channel that every api
 * process listens on, so the member's streams end wherever they are connected.
 */
export const liveStreamsPlugin = fp(async (app: FastifyInstance) => {
  const byMember = new Map<number, Set<(reason: StreamEndReason) => void>>();

  const subscriber = app.redis.duplicate();
  subscriber.on('error', (err) => app.log.warn({ err }, 'member-status subscriber error'));
  subscriber.on('message', (_channel: string, raw: string) => {
    const userId = Number(raw);
    if (Number.isSafeInteger(userId) && byMember.has(userId)) void recheck(userId);
  });
  await subscriber.subscribe(MEMBER_STATUS_CHANNEL);

  // The database decides, not the message: a stale or foreign announcement (pub/sub ignores Redis
  // logical databases) can never cut a member in good standing.
  async function recheck(userId: number): Promise<void> {
    try {
      const status = await findAccountStatus(app.db, userId);
      const reason: StreamEndReason | null =
        !status || status.deletedAt || status.deactivatedAt ? 'account_inactive' : status.bannedUntil && status.bannedUntil > new Date() ? 'banned' : null;
      if (!reason) return;
      for (const end of [...(byMember.get(userId) ?? [])]) end(reason);
    } catch (err) {
      app.log.warn({ err, userId }, 'could not re-check the streams of a member');
    }
  }

  function track(userId: number, tokenExp: number, end: (reason: StreamEndReason) => void): () => void {
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const set = byMember.get(userId);
      set?.delete(finish);
      if (set?.size === 0) byMember.delete(userId);
    };
    const finish = (reason: StreamEndReason) => {
      if (done) return;
      release();
      end(reason);
    };
    const timer = setTimeout(() => finish('token_expired'), Math.min(Math.max(0, tokenExp * 1000 - Date.now()), MAX_TIMER_MS));
    timer.unref();
    let set = byMember.get(userId);
    if (!set) byMember.set(userId, (set = new Set()));
    set.add(finish);
    return release;
  }

  app.decorate('liveStreams', {
    track,
    revalidateMember: async (userId: number) => {
      await app.redis.publish(MEMBER_STATUS_CHANNEL, String(userId));
    },
  });
  app.addHook('onClose', async () => {
    await subscriber.quit().catch(() => subscriber.disconnect());
  });
});
