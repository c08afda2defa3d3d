'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { buildInit, errorFrom, parseAnswer, type Transport } from '@/lib/api-core';
import { createApi, type Api } from '@/lib/api';
import { jwtExpiry, readHint, renewDelay, TokenKeeper, writeHint } from '@/lib/session';
import { postAuthRefreshResponseSchema, type OwnProfile } from '@makapix/protocol';

/**
 * The browser session (docs/architecture.md "Session"): the access token in memory only, renewed from
 * the HttpOnly refresh cookie on load, a minute before expiry and once after a 401. Tabs share
 * renewals: the refresh token rotates on every use and a reused one closes the whole session, so a
 * Web Lock serializes renewals and a BroadcastChannel hands the new token to the other tabs.
 */
export type SessionStatus = 'loading' | 'signed-in' | 'signed-out';
interface Session {
  status: SessionStatus;
  user: OwnProfile | null;
  api: Api;
  token: () => string | null;
  renew: () => Promise<string | null>;
  signedIn: (token: string, user: OwnProfile) => void;
  setUser: (user: OwnProfile) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
const CHANNEL = 'mpx-session';
type Message = { type: 'token'; token: string } | { type: 'signed-out' };

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('loading');
  const [user, setUser] = useState<OwnProfile | null>(null);
  const channel = useRef<BroadcastChannel | null>(null);
  const lastShared = useRef<string | null>(null);

  const keeper = useMemo(
    () =>
      new TokenKeeper(async () => {
        const run = async (): Promise<string | null> => {
          // Another tab renewed while this one waited for the lock: its token is still good.
          const shared = lastShared.current;
          const exp = shared ? jwtExpiry(shared) : null;
          if (shared && exp && exp - Date.now() > 120_000 && shared !== keeper.current) return shared;
          const res = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' });
          // Refused (no or spent cookie): signed out. Anything else (api down): try again later.
          if (res.status === 401 || res.status === 403) return null;
          if (!res.ok) throw new Error(`refresh answered ${res.status}`);
          const { accessToken } = postAuthRefreshResponseSchema.parse(await res.json());
          channel.current?.postMessage({ type: 'token', token: accessToken } satisfies Message);
          return accessToken;
        };
        return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('mpx-refresh', run) : run();
      }),
    [],
  );

  const api = useMemo(() => {
    const transport: Transport = async (schema, path, options = {}) => {
      const res = await keeper.authorized((token) => fetch(`/api/v1${path}`, buildInit({ ...options, token })));
      if (!res.ok) throw await errorFrom(res);
      return parseAnswer(schema, res);
    };
    return createApi(transport);
  }, [keeper]);

  // Load the profile whenever a token appears; a lost token signs the page out.
  useEffect(() => {
    return keeper.onChange((token) => {
      writeHint(storage(), token !== null);
      if (token === null) {
        setUser(null);
        setStatus('signed-out');
      }
    });
  }, [keeper]);

  useEffect(() => {
    const bc = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(CHANNEL) : null;
    channel.current = bc;
    if (bc) {
      bc.onmessage = (e: MessageEvent<Message>) => {
        if (e.data.type === 'token') {
          lastShared.current = e.data.token;
          const wasSignedOut = keeper.current === null;
          keeper.set(e.data.token);
          // Logged in in another tab: this one follows.
          if (wasSignedOut) api.me().then((me) => { setUser(me); setStatus('signed-in'); }, () => {});
        } else if (e.data.type === 'signed-out') keeper.set(null);
      };
    }
    let cancelled = false;
    if (!readHint(storage())) {
      setStatus('signed-out');
      return () => bc?.close();
    }
    keeper.renew().then(async (token) => {
      if (cancelled) return;
      if (!token) return setStatus('signed-out');
      try {
        const me = await api.me();
        if (!cancelled) {
          setUser(me);
          setStatus('signed-in');
        }
      } catch {
        if (!cancelled) setStatus('signed-out');
      }
    });
    return () => {
      cancelled = true;
      bc?.close();
    };
  }, [keeper, api]);

  // Renew a minute before the access token expires.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (token: string | null) => {
      clearTimeout(timer);
      const exp = token ? jwtExpiry(token) : null;
      if (exp) timer = setTimeout(() => void keeper.renew(), renewDelay(exp, Date.now()));
    };
    schedule(keeper.current);
    const off = keeper.onChange(schedule);
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [keeper]);

  const signedIn = useCallback(
    (token: string, me: OwnProfile) => {
      keeper.set(token);
      channel.current?.postMessage({ type: 'token', token } satisfies Message);
      setUser(me);
      setStatus('signed-in');
    },
    [keeper],
  );

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      channel.current?.postMessage({ type: 'signed-out' } satisfies Message);
      keeper.set(null);
    }
  }, [api, keeper]);

  const value = useMemo<Session>(
    () => ({ status, user, api, token: () => keeper.current, renew: () => keeper.renew(), signedIn, setUser, signOut }),
    [status, user, api, keeper, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
