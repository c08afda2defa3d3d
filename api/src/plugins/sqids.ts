import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import Sqids from 'sqids';

declare module 'fastify' {
  interface FastifyInstance {
    /** Public ids (SPEC.md §3): short opaque strings over integer keys, for users and posts. */
    publicId: { encode(id: number): string; decode(sqid: string): number | null };
  }
}

export function createPublicIds(alphabet: string) {
  const sqids = new Sqids({ alphabet, minLength: 6 });
  return {
    encode: (id: number) => sqids.encode([id]),
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
