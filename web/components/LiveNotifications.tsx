'use client';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { jwtExpiry } from '@/lib/session';
import { notificationSchema, unreadCountSchema, type Notification } from '@makapix/protocol';
import { useSession } from './SessionProvider';

/**
 * docs/architecture.md §4.1 "Live, not refreshed": the unread count and new notifications from the api's SSE
 * stream. EventSource cannot send headers, so the token rides in the query; when the server ends
 * the stream at token expiry (`reauthenticate`) or the connection drops, it reconnects with a
 * freshly renewed token, backing off up to 30 s.
 */
interface Live {
  unread: number | null;
  setUnread: (count: number) => void;
  /** Called for every notification that arrives while the page is open. */
  onNotification: (listener: (n: Notification) => void) => () => void;
}
const LiveContext = createContext<Live>({ unread: null, setUnread: () => {}, onNotification: () => () => {} });

export function LiveNotifications({ children }: { children: ReactNode }) {
  const session = useSession();
  const [unread, setUnread] = useState<number | null>(null);
  const listeners = useRef(new Set<(n: Notification) => void>());

  useEffect(() => {
    if (session.status !== 'signed-in') {
      setUnread(null);
      return;
    }
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const connect = async (forceRenew: boolean) => {
      let token = session.token();
      const exp = token ? jwtExpiry(token) : null;
      if (forceRenew || !token || (exp !== null && exp - Date.now() < 30_000)) token = await session.renew();
      if (stopped || !token) return;
      source = new EventSource(`/api/v1/notifications/stream?access_token=${encodeURIComponent(token)}`);
      source.addEventListener('open', () => {
        attempt = 0;
      });
      source.addEventListener('unread', (e) => {
        const parsed = unreadCountSchema.safeParse(JSON.parse((e as MessageEvent<string>).data));
        if (parsed.success) setUnread(parsed.data.count);
      });
      source.addEventListener('notification', (e) => {
        const parsed = notificationSchema.safeParse(JSON.parse((e as MessageEvent<string>).data));
        if (parsed.success) for (const l of listeners.current) l(parsed.data);
      });
      source.addEventListener('reauthenticate', () => reconnect(true, 0));
      source.addEventListener('revoked', () => {
        source?.close();
        stopped = true;
      });
      source.addEventListener('error', () => reconnect(true, Math.min(30_000, 1000 * 2 ** attempt++)));
    };
    const reconnect = (renew: boolean, delay: number) => {
      source?.close();
      source = null;
      clearTimeout(retry);
      if (!stopped) retry = setTimeout(() => void connect(renew), delay);
    };
    // The count at once (the stream repeats it when it opens, which can take a moment).
    session.api.unreadCount().then((c) => !stopped && setUnread((old) => old ?? c.count), () => {});
    void connect(false);
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
    // Reconnect only when the member changes, not on every token renewal.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session.status, session.user?.id]);

  const onNotification = useCallback((listener: (n: Notification) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);

  return <LiveContext.Provider value={{ unread, setUnread, onNotification }}>{children}</LiveContext.Provider>;
}

export const useLiveNotifications = () => useContext(LiveContext);
