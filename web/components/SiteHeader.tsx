'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useLiveNotifications } from './LiveNotifications';
import { useSession } from './SessionProvider';

/** AGENTS' web agreement: header with home link, search box, Upload, and the member/visitor links. */
export function SiteHeader() {
  const { status, user, signOut } = useSession();
  const { unread } = useLiveNotifications();
  const router = useRouter();
  const pathname = usePathname();
  const next = encodeURIComponent(pathname || '/');
  const count = unread ?? 0;

  return (
    <header className="site-header">
      <a className="skip-link" href="#main">Skip to content</a>
      <div className="bar">
        <Link href="/" className="logo">
          Makapix <span>Club</span>
        </Link>
        <form role="search" aria-label="Site search" action="/search" method="get" className="header-search">
          <input type="search" name="q" aria-label="Search" placeholder="Search artworks, artists, #tags" />
        </form>
        <nav aria-label="Account" className="header-actions">
          <Link href="/upload" className="btn primary hide-phone">Upload</Link>
          {status === 'signed-in' && user ? (
            <>
              <Link href="/notifications" className="btn" aria-label={count > 0 ? `Notifications, ${count} unread` : 'Notifications, none unread'}>
                Notifications
                {count > 0 ? <span className="badge" aria-hidden="true">{count}</span> : null}
              </Link>
              <Link href={`/u/${encodeURIComponent(user.handle)}`} className="btn hide-phone">@{user.handle}</Link>
              <Link href="/settings" className="btn hide-phone">Settings</Link>
              <button
                type="button"
                onClick={async () => {
                  await signOut().catch(() => {});
                  router.push('/');
                }}
              >
                Log out
              </button>
            </>
          ) : (
            <>
              <Link href={`/login?next=${next}`} className="btn">Log in</Link>
              <Link href="/signup" className="btn">Sign up</Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}

/** docs/architecture.md §4.1: on phones a bottom bar with Home, Search, Upload, Players, Me. */
export function BottomBar() {
  const { user } = useSession();
  return (
    <nav aria-label="Shortcuts" className="bottom-bar">
      <Link href="/">Home</Link>
      <Link href="/search">Search</Link>
      <Link href="/upload">Upload</Link>
      <Link href="/play?channel=recent">Play</Link>
      <Link href={user ? `/u/${encodeURIComponent(user.handle)}` : '/login'}>Me</Link>
    </nav>
  );
}
