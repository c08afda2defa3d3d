import Link from 'next/link';
import type { PublicProfile } from '@makapix/protocol';
import { BlockButton } from './BlockButton';
import { FollowButton } from './FollowButton';
import { ReportButton } from './ReportButton';

export type ProfileTab = 'artworks' | 'playlists' | 'followers' | 'following';

/** A member's name, bio and actions, with the tabs of their profile. */
export function ProfileHeader({ profile, tab }: { profile: PublicProfile; tab: ProfileTab }) {
  const base = `/u/${encodeURIComponent(profile.handle)}`;
  const link = (t: ProfileTab, href: string, label: string) => (
    <Link href={href} aria-current={tab === t ? 'page' : undefined}>{label}</Link>
  );
  return (
    <>
      <div className="profile-head">
        {profile.avatarUrl ? (
          <img src={profile.avatarUrl} alt="" width={96} height={96} className="avatar" style={{ imageRendering: 'pixelated', objectFit: 'contain' }} />
        ) : (
          <div className="avatar checker" style={{ width: 96, height: 96 }} aria-hidden="true" />
        )}
        <div className="stack" style={{ gap: 4 }}>
          <h1 style={{ margin: 0 }}>@{profile.handle}</h1>
          <p className="hint" style={{ margin: 0 }}>
            {profile.postCount} artwork{profile.postCount === 1 ? '' : 's'} · joined {new Date(profile.createdAt).toISOString().slice(0, 10)}
            {profile.role !== 'member' ? ` · ${profile.role}` : ''}
          </p>
          {profile.bio ? <p style={{ margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{profile.bio}</p> : null}
          <div className="row">
            <FollowButton userId={profile.id} handle={profile.handle} />
            <Link className="btn" href={`/play?channel=${encodeURIComponent(`user:${profile.handle}`)}`}>Play full screen</Link>
            <BlockButton userId={profile.id} handle={profile.handle} />
            <ReportButton targetType="user" targetId={profile.id} label="Report member" />
          </div>
        </div>
      </div>
      <nav aria-label="Profile" className="tabs">
        {link('artworks', base, 'Artworks')}
        {link('playlists', `${base}/playlists`, 'Playlists')}
        {link('followers', `${base}/followers`, 'Followers')}
        {link('following', `${base}/following`, 'Following')}
      </nav>
    </>
  );
}
