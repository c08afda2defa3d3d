'use client';
import Link from 'next/link';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { inWords } from '@/lib/words';
import { MONITORED_HASHTAGS, type MemberRef, type MonitoredHashtag, type OwnProfile, type PostSummary } from '@makapix/protocol';
import { PixelArt } from './PixelArt';
import { useSession } from './SessionProvider';

const MONITORED_WORDS: Record<(typeof MONITORED_HASHTAGS)[number], string> = {
  politics: 'Politics',
  nsfw: 'Not safe for work',
  explicit: 'Explicit',
  '13plus': 'For 13 and over',
  violence: 'Violence',
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** docs/product.md §1 member settings: profile, avatar, monitored hashtags, digest, password, blocks. */
export function Settings() {
  const { status, user } = useSession();
  if (status === 'loading') return <p>Loading…</p>;
  if (status === 'signed-out' || !user) return <p className="card">Please <Link href="/login?next=%2Fsettings">log in</Link> to change your settings.</p>;
  return (
    <>
      <ProfileSettings me={user} />
      <AvatarSettings me={user} />
      <PasswordSettings />
      <BlockedMembers />
    </>
  );
}

function useSaver() {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const save = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await what();
      setMessage(done);
    } catch (err) {
      setMessage(inWords(err));
    } finally {
      setBusy(false);
    }
  };
  return { message, busy, save };
}

function ProfileSettings({ me }: { me: OwnProfile }) {
  const { api, setUser } = useSession();
  const id = useId();
  const [handle, setHandle] = useState(me.handle);
  const [bio, setBio] = useState(me.bio ?? '');
  const [tags, setTags] = useState<MonitoredHashtag[]>(me.monitoredHashtags);
  const [digest, setDigest] = useState(me.emailDigest);
  const { message, busy, save } = useSaver();
  return (
    <Section title="Profile">
      <form onSubmit={(e) => {
        e.preventDefault();
        void save(async () => setUser(await api.updateMe({ handle: handle.trim(), bio: bio.trim() || null, monitoredHashtags: tags, emailDigest: digest })), 'Your settings are saved.');
      }}>
        <div className="field">
          <label htmlFor={`${id}-handle`}>Handle</label>
          <input id={`${id}-handle`} type="text" value={handle} onChange={(e) => setHandle(e.target.value)} required minLength={3} maxLength={32} autoComplete="username" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-bio`}>Bio</label>
          <textarea id={`${id}-bio`} value={bio} onChange={(e) => setBio(e.target.value)} maxLength={1000} />
        </div>
        <fieldset className="field">
          <legend className="label">Show artworks with these hashtags</legend>
          <p className="hint">Hidden from you unless you opt in.</p>
          {MONITORED_HASHTAGS.map((t) => (
            <label key={t} className="check">
              <input type="checkbox" checked={tags.includes(t)} onChange={(e) => setTags(e.target.checked ? [...tags, t] : tags.filter((x) => x !== t))} />
              #{t} — {MONITORED_WORDS[t]}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={digest} onChange={(e) => setDigest(e.target.checked)} />
          Email me a daily digest of unread notifications
        </label>
        <p aria-live="polite">{message}</p>
        <button type="submit" className="primary" disabled={busy}>Save</button>
      </form>
    </Section>
  );
}

/** The avatar is one of your artworks (the api stores its address); or none. */
function AvatarSettings({ me }: { me: OwnProfile }) {
  const { api, setUser } = useSession();
  const [posts, setPosts] = useState<PostSummary[] | null>(null);
  const { message, busy, save } = useSaver();
  useEffect(() => {
    api.userPosts(me.id, { limit: 60 }).then((p) => setPosts(p.items.filter((x) => x.state === 'ready' && x.artUrl)), () => setPosts([]));
  }, [api, me.id]);
  const choose = (postId: string | null) => save(async () => setUser(await api.setAvatar(postId)), postId ? 'Your avatar is changed.' : 'Your avatar is removed.');
  return (
    <Section title="Avatar">
      <p className="hint">Pick one of your artworks as your avatar.</p>
      {posts === null ? <p>Loading your artworks…</p> : posts.length === 0 ? <p className="empty">No artworks yet — <Link href="/upload">upload your first</Link>, then pick it here.</p> : (
        <ul className="art-grid" style={{ gridTemplateColumns: 'repeat(auto-fill, 64px)', gridAutoRows: '64px', justifyContent: 'start' }}>
          {posts.map((p) => (
            <li key={p.id}>
              <button type="button" className="tile" style={{ padding: 0, width: 64, height: 64 }} disabled={busy}
                aria-pressed={me.avatarUrl === p.upscaledUrl} aria-label={`Use “${p.title}” as avatar`} onClick={() => void choose(p.id)}>
                <PixelArt src={p.artUrl!} alt="" width={p.width ?? 8} height={p.height ?? 8} box={{ width: 64, height: 64 }} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {me.avatarUrl ? <p><button type="button" onClick={() => void choose(null)} disabled={busy}>Remove avatar</button></p> : null}
      <p aria-live="polite">{message}</p>
    </Section>
  );
}

function PasswordSettings() {
  const { api, signedIn } = useSession();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { message, busy, save } = useSaver();
  return (
    <Section title="Password">
      <form onSubmit={(e) => {
        e.preventDefault();
        void save(async () => {
          const { accessToken, user } = await api.changePassword(current, next);
          signedIn(accessToken, user);
          setCurrent('');
          setNext('');
        }, 'Your password is changed; your other sessions were closed.');
      }}>
        <div className="field">
          <label htmlFor={`${id}-cur`}>Current password</label>
          <input id={`${id}-cur`} type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-new`}>New password</label>
          <input id={`${id}-new`} type="password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={8} autoComplete="new-password" aria-describedby={`${id}-hint`} />
          <span id={`${id}-hint`} className="hint">At least 8 characters, with a letter and a digit.</span>
        </div>
        <p aria-live="polite">{message}</p>
        <button type="submit" className="primary" disabled={busy}>Change password</button>
      </form>
    </Section>
  );
}

function BlockedMembers() {
  const { api } = useSession();
  const [members, setMembers] = useState<MemberRef[] | null>(null);
  const { message, save } = useSaver();
  useEffect(() => {
    api.myBlocks({ limit: 200 }).then((p) => setMembers(p.items.map((b) => b.member)), () => setMembers([]));
  }, [api]);
  return (
    <Section title="Blocked members">
      {members === null ? <p>Loading…</p> : members.length === 0 ? <p className="hint">You have blocked nobody.</p> : (
        <ul className="member-list">
          {members.map((m) => (
            <li key={m.id}>
              <Link href={`/u/${encodeURIComponent(m.handle)}`}>@{m.handle}</Link>
              <button type="button" onClick={() => void save(async () => {
                await api.block(m.id, false);
                setMembers((old) => (old ?? []).filter((x) => x.id !== m.id));
              }, `You unblocked @${m.handle}.`)}>Unblock @{m.handle}</button>
            </li>
          ))}
        </ul>
      )}
      <p aria-live="polite">{message}</p>
    </Section>
  );
}
