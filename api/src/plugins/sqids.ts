import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import Sqids from 'sqids';

declare module 'fastify' {
  interface FastifyInstance {
    /** Public ids (docs/product.md §3): short opaque strings over integer keys, for users and posts. */
    publicId: { encode(id: number): string; decode(sqid: string): number | null };
  }
}

// sqids spends ~20 µs per encode (it reshuffles the alphabet every time); a feed page encodes ~100
// ids, which made encoding the largest CPU cost of a page. Encodings never change, so they are
// memoized, bounded so a crawler walking every id cannot grow the map without limit.
const MEMO_LIMIT = 100_000;

export function createPublicIds(alphabet: string) {
  const sqids = new Sqids({ alphabet, minLength: 6 });
  const memo = new Map<number, string>();
  return {
    encode(id: number): string {
      let sqid = memo.get(id);
      if (sqid === undefined) {
        sqid = sqids.encode([id]);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(id, sqid);
      }
      return sqid;
    },
    /** Null for anything that is not the canonical encoding of exactly one id (no aliases). */
    decode(sqid: string): number | null {
      const ids = sqids.decode(sqid);
      if (ids.length !== 1 || ids[0] === undefined || !Number.isSafeInteger(ids[0])) return null;
      // A long enough string decodes past 2^53, which encode() rejects by throwing.
      try {
        return sqids.encode(ids) === sqid ? ids[0] : null;
      } catch {
        return null;
      }
    },
  };
}

export const sqidsPlugin = fp<{ alphabet: string }>(async (app: FastifyInstance, opts) => {
  app.decorate('publicId', createPublicIds(opts.alphabet));
});
