import type { Metadata } from 'next';
import { PixelArt } from '@/components/PixelArt';
import { ProfileHeader } from '@/components/ProfileHeader';
import { loadProfile } from '@/lib/profile';
import { serverApi } from '@/lib/server-api';

type Props = { params: Promise<{ handle: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const profile = await loadProfile((await params).handle);
  return { title: `Playlists of @${profile.handle}` };
}

/** Public playlists with their first artworks (the playlist detail carries the items). */
export default async function PlaylistsPage({ params }: Props) {
  const profile = await loadProfile((await params).handle);
  const list = await serverApi.playlists(profile.id, { limit: 50 });
  const details = await Promise.all(list.items.map((p) => serverApi.playlist(p.id).catch(() => null)));
  return (
    <main id="main">
      <ProfileHeader profile={profile} tab="playlists" />
      <h2>Playlists</h2>
      {list.items.length === 0 ? <div className="empty">@{profile.handle} has no public playlists yet.</div> : null}
      <div className="stack">
        {list.items.map((p, i) => (
          <section key={p.id} className="card" aria-labelledby={`pl-${p.id}`}>
            <h3 id={`pl-${p.id}`} style={{ marginTop: 0 }}>{p.title}</h3>
            {p.description ? <p>{p.description}</p> : null}
            <p className="hint">{p.itemCount} artwork{p.itemCount === 1 ? '' : 's'}{p.public ? '' : ' · hidden'}</p>
            <ul className="art-grid" style={{ justifyContent: 'start' }}>
              {(details[i]?.items ?? []).slice(0, 12).map((item) =>
                item.artwork.artUrl && item.artwork.width && item.artwork.height ? (
                  <li key={item.position}>
                    <a href={`/p/${item.artwork.id}`} className="tile">
                      <PixelArt src={item.artwork.artUrl} alt={item.artwork.title} width={item.artwork.width} height={item.artwork.height} box={{ width: 128, height: 128 }} />
                    </a>
                  </li>
                ) : null,
              )}
            </ul>
          </section>
        ))}
      </div>
    </main>
  );
}
