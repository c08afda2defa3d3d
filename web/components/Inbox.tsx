'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { stamp } from '@/lib/format';
import { inWords } from '@/lib/words';
import type { Notification } from '@makapix/protocol';
import { useLiveNotifications } from './LiveNotifications';
import { useSession } from './SessionProvider';

/** What happened, in words (docs/product.md §4 notification kinds). */
function describe(n: Notification): string {
  const who = n.actor ? `@${n.actor.handle}` : 'Someone';
  const emoji = typeof n.data?.emoji === 'string' ? ` ${n.data.emoji}` : '';
  switch (n.type) {
    case 'reaction': return `${who} reacted${emoji} to your artwork`;
    case 'comment': return `${who} commented on your artwork`;
    case 'reply': return `${who} replied to your comment`;
    case 'follow': return `${who} follows you now`;
    case 'post_approved': return 'Your artwork was approved for the public feeds';
    case 'post_promoted': return 'Your artwork was promoted';
    case 'moderation': return 'A moderator acted on your content';
    default: return `${who}: ${n.type}`;
  }
}

export function Inbox() {
  const { api, status } = useSession();
  const live = useLiveNotifications();
  const [items, setItems] = useState<Notification[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    if (status !== 'signed-in') return;
    api.notifications({ limit: 50 }).then((p) => { setItems(p.items); setCursor(p.nextCursor); }, (err: unknown) => setMessage(inWords(err)));
  }, [status, api]);

  // New notifications appear at the top as they arrive.
  useEffect(() => live.onNotification((n) => setItems((old) => (old ? [n, ...old.filter((o) => o.id !== n.id)] : old))), [live]);

  if (status === 'loading') return <p>Loading…</p>;
  if (status === 'signed-out') return <p className="card">Please <Link href="/login?next=%2Fnotifications">log in</Link> to see your notifications.</p>;

  const markAll = async () => {
    try {
      const { count } = await api.markAllRead();
      live.setUnread(count);
      setItems((old) => old?.map((n) => ({ ...n, read: true })) ?? old);
      setMessage('All notifications are marked read.');
    } catch (err) {
      setMessage(inWords(err));
    }
  };
  const markOne = async (n: Notification) => {
    if (n.read) return;
    try {
      const { count } = await api.markRead(n.id);
      live.setUnread(count);
      setItems((old) => old?.map((o) => (o.id === n.id ? { ...o, read: true } : o)) ?? old);
    } catch (err) {
      setMessage(inWords(err));
    }
  };

  return (
    <>
      <p className="row">
        <button type="button" onClick={() => void markAll()}>Mark all read</button>
        <span aria-live="polite" className="hint">{message}</span>
      </p>
      {items === null ? <p>Loading…</p> : items.length === 0 ? <div className="empty">No notifications yet — they arrive when someone reacts, comments or follows you.</div> : (
        <ul className="notice-list" aria-label="Notifications">
          {items.map((n) => (
            <li key={n.id} className={n.read ? undefined : 'unread'}>
              <span style={{ flex: 1 }}>
                {n.read ? null : <span className="visually-hidden">Unread: </span>}
                {n.postId ? <Link href={`/p/${n.postId}`} onClick={() => void markOne(n)}>{describe(n)}</Link> : describe(n)}
                <br />
                <time className="hint" dateTime={n.createdAt}>{stamp(n.createdAt)}</time>
              </span>
              {n.read ? null : <button type="button" onClick={() => void markOne(n)}>Mark read</button>}
            </li>
          ))}
        </ul>
      )}
      {cursor ? <button type="button" onClick={async () => {
        const p = await api.notifications({ cursor, limit: 50 });
        setItems((old) => [...(old ?? []), ...p.items]);
        setCursor(p.nextCursor);
      }}>More</button> : null}
    </>
  );
}
