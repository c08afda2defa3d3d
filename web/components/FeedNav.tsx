import Link from 'next/link';

/** The feed tabs named in the web agreement: "Recent", "Promoted", "Following". */
export function FeedNav({ current }: { current: 'recent' | 'promoted' | 'following' | null }) {
  const tab = (href: string, key: typeof current, label: string) => (
    <Link href={href} aria-current={current === key ? 'page' : undefined}>
      {label}
    </Link>
  );
  return (
    <nav aria-label="Feeds" className="feed-nav">
      {tab('/', 'recent', 'Recent')}
      {tab('/promoted', 'promoted', 'Promoted')}
      {tab('/following', 'following', 'Following')}
      <Link href="/play?channel=recent">Play full screen</Link>
    </nav>
  );
}
