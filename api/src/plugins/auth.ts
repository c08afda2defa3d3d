import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.ts';
import { findViewerAccount, type Viewer, viewerOf, VISITOR } from '../domain/viewer.ts';

export type Role = 'member' | 'moderator' | 'owner';
export interface AuthUser {
  id: number;
  role: Role;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; role: Role };
    user: AuthUser;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: a valid access token of an active, unbanned member; sets `req.user`. */
    requireUser: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler: like requireUser but lets visitors through (`req.viewer` is null for them). */
    optionalUser: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler factory: requireUser plus a minimum role. */
    requireRole: (role: Role) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Signs a 15-minute access token (docs/product.md §3). */
    signAccessToken: (user: AuthUser) => string;
  }
  interface FastifyRequest {
    /** The authenticated member, or null for a visitor (set by requireUser / optionalUser / requireRole). */
    viewer: AuthUser | null;
    /**
     * What this request may see (domain/visibility.ts): the member's Viewer, read in the same query
     * as their account status, or VISITOR. Set together with `viewer`.
     */
    audience: Viewer;
  }
}

const AUDIENCE = Symbol('audience');
const ROLE_RANK: Record<Role, number> = { member: 0, moderator: 1, owner: 2 };
export const ACCESS_TOKEN_TTL = '15m';

/**
 * Access tokens: JWT HS256 with the algorithm pinned on both sign and verify (docs/product.md §3), carried
 * as `Authorization: Bearer`. The account is re-read on every authenticated request so a ban,
 * deactivation or role change applies at once rather than when the token expires.
 */
export const authPlugin = fp<{ jwtSecret: string }>(async (app: FastifyInstance, opts) => {
  await app.register(cookie);
  await app.register(jwt, {
    secret: opts.jwtSecret,
    sign: { algorithm: 'HS256', expiresIn: ACCESS_TOKEN_TTL },
    // A token without `exp` would never expire (and an SSE stream opened with it never end).
    verify: { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] },
    formatUser: (payload) => ({ id: Number(payload.sub), role: payload.role }),
  });
  app.decorateRequest('viewer', null);
  // Fastify refuses an object as a request decorator's default: VISITOR until authenticate sets one.
  app.decorateRequest('audience', {
    getter(this: FastifyRequest & { [AUDIENCE]?: Viewer }) {
      return this[AUDIENCE] ?? VISITOR;
    },
    setter(this: FastifyRequest & { [AUDIENCE]?: Viewer }, audience: Viewer) {
      this[AUDIENCE] = audience;
    },
  });

  /** Verifies the token and reads the account once (status, role, opt-ins); sets `viewer` and `audience`. */
  async function authenticate(req: FastifyRequest): Promise<AuthUser> {
    if (!req.headers.authorization?.startsWith('Bearer ')) throw errors.unauthorized();
    let claims: AuthUser;
    try {
      claims = await req.jwtVerify<AuthUser>();
    } catch {
      throw errors.unauthorized('The access token is invalid or expired', 'invalid_token');
    }
    const account = Number.isSafeInteger(claims.id) ? await findViewerAccount(app.db, claims.id) : null;
    if (!account || account.deletedAt || account.deactivatedAt) throw errors.unauthorized('This account no longer exists', 'account_inactive');
    if (account.bannedUntil && account.bannedUntil > new Date()) {
      throw errors.forbidden(`This account is banned until ${account.bannedUntil.toISOString()}`, 'banned');
    }
    const user = { id: account.id, role: account.role };
    req.viewer = user;
    req.audience = viewerOf(account);
    return user;
  }

  app.decorate('requireUser', async (req: FastifyRequest) => {
    await authenticate(req);
  });
  app.decorate('optionalUser', async (req: FastifyRequest) => {
    if (req.headers.authorization) await authenticate(req);
  });
  app.decorate('requireRole', (role: Role) => async (req: FastifyRequest) => {
    const user = await authenticate(req);
    if (ROLE_RANK[user.role] < ROLE_RANK[role]) throw errors.forbidden(`This needs the ${role} role`);
  });
  app.decorate('signAccessToken', (user: AuthUser) => app.jwt.sign({ sub: String(user.id), role: user.role }));
});
