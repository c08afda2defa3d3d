/**
 * docs/architecture.md "Session": the access token lives in memory only; the HttpOnly refresh cookie
 * renews it on load, shortly before expiry, and once after a 401. This module is the pure part:
 * timing, single-flight renewal and the retry-once rule; the browser wiring is SessionProvider.
 */

/** Milliseconds since epoch at which a JWT expires, or null when it carries no readable `exp`. */
export function jwtExpiry(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Renew a minute before expiry (never sooner than 5 s from now, so a skewed clock cannot spin). */
export const RENEW_AHEAD_MS = 60_000;
export function renewDelay(expiresAtMs: number, nowMs: number): number {
  return Math.max(5_000, expiresAtMs - nowMs - RENEW_AHEAD_MS);
}

export type Renew = () => Promise<string | null>;

export class TokenKeeper {
  private token: string | null = null;
  private inflight: Promise<string | null> | null = null;
  private readonly listeners = new Set<(token: string | null) => void>();

  constructor(private readonly renewFn: Renew) {}

  get current(): string | null {
    return this.token;
  }

  set(token: string | null): void {
    this.token = token;
    for (const l of this.listeners) l(token);
  }

  onChange(listener: (token: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One renewal at a time: concurrent callers share it (the refresh token rotates on every use).
   * A refused renewal (null) signs out; a failed one (network) changes nothing, so a flaky
   * connection does not end the session.
   */
  renew(): Promise<string | null> {
    this.inflight ??= this.renewFn()
      .then(
        (token) => {
          this.set(token);
          return token;
        },
        () => null,
      )
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /**
   * Runs an authorized call; on 401 renews once and retries once. A second 401 (or no session)
   * signs out, and the caller shows the sign-in page with a way back.
   */
  async authorized(call: (token: string | null) => Promise<Response>): Promise<Response> {
    const used = this.token;
    const first = await call(used);
    if (first.status !== 401 || used === null) return first;
    // Another call may have renewed meanwhile: use its token rather than rotating the cookie again.
    const renewed = this.token !== null && this.token !== used ? this.token : await this.renew();
    if (renewed === null) return first;
    const second = await call(renewed);
    if (second.status === 401) this.set(null);
    return second;
  }
}

/**
 * A hint (never the token) that this browser has a session: visitors then make no refresh call on
 * every page load (a certain 401). Set on log-in and on every renewal, cleared when renewal fails.
 */
export const SESSION_HINT_KEY = 'mpx_has_session';
export interface HintStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
export function readHint(store: HintStore | null): boolean {
  try {
    return store?.getItem(SESSION_HINT_KEY) === '1';
  } catch {
    return true;
  }
}
export function writeHint(store: HintStore | null, signedIn: boolean): void {
  try {
    if (signedIn) store?.setItem(SESSION_HINT_KEY, '1');
    else store?.removeItem(SESSION_HINT_KEY);
  } catch {
    // Storage may be disabled; the hint is only an optimization.
  }
}
