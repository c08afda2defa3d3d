'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { checkUpload } from '@/lib/upload-rules';
import { inWords } from '@/lib/words';
import { sendWithProgress } from '@/lib/xhr-upload';
import { postDetailSchema, type PostDetail } from '@makapix/protocol';
import { ConfirmDialog } from './Dialog';
import { useSession } from './SessionProvider';

type Stats = Awaited<ReturnType<ReturnType<typeof useSession>['api']['postStats']>>;

/** docs/product.md §1 artist tools on the artwork page, shown only to the artist (ownerInfo comes with their token). */
export function ArtistTools({ postId, ownerId }: { postId: string; ownerId: string }) {
  const { api, user, status, token, renew } = useSession();
  const router = useRouter();
  const [post, setPost] = useState<PostDetail | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [message, setMessage] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const isArtist = status === 'signed-in' && user?.id === ownerId;

  useEffect(() => {
    if (!isArtist) return;
    api.post(postId).then(setPost, (err: unknown) => setMessage(inWords(err)));
    api.postStats(postId, 14).then(setStats, () => {});
  }, [isArtist, api, postId]);

  // While the worker processes a replacement, follow it until the new image is ready.
  const pending = post?.ownerInfo?.replacementPending || post?.state === 'processing';
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      api.post(postId).then((p) => {
        setPost(p);
        if (!p.ownerInfo?.replacementPending && p.state !== 'processing') {
          setMessage(p.state === 'failed' ? `Processing failed: ${p.ownerInfo?.failureReason ?? 'unknown reason'}` : 'The new image is ready.');
          router.refresh();
        }
      }, () => {});
    }, 1500);
    return () => clearInterval(timer);
  }, [pending, api, postId, router]);

  if (!isArtist || !post) return null;
  const info = post.ownerInfo;
  const hidden = info?.hiddenByOwner ?? false;

  const run = async (what: () => Promise<PostDetail>, done: string) => {
    try {
      setPost(await what());
      setMessage(done);
      router.refresh();
    } catch (err) {
      setMessage(inWords(err));
    }
  };

  const replace = async (file: File) => {
    const verdict = checkUpload(new Uint8Array(await file.arrayBuffer()));
    if (!verdict.ok) return setMessage(verdict.words);
    const form = new FormData();
    form.append('file', file);
    const send = (t: string | null) => sendWithProgress('PUT', `/api/v1/posts/${encodeURIComponent(postId)}/image`, form, t, setProgress);
    try {
      setProgress(0);
      let answer;
      try {
        answer = await send(token());
      } catch (err) {
        if (!(err instanceof Error && 'status' in err && (err as { status: number }).status === 401)) throw err;
        answer = await send(await renew());
      }
      setPost(postDetailSchema.parse(answer.body));
      setMessage('Uploaded. Processing…');
    } catch (err) {
      setMessage(inWords(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <section className="section card" aria-labelledby="artist-tools">
      <h2 id="artist-tools">Your artwork</h2>
      <p className="hint">
        {post.state === 'processing' ? 'Processing… ' : post.state === 'failed' ? `Processing failed: ${info?.failureReason ?? ''} ` : ''}
        {hidden ? 'Hidden from everyone but you. ' : ''}
        {info?.hiddenByModerator ? 'Hidden by a moderator. ' : ''}
        {!post.approved ? 'Waiting for approval before it shows in public feeds. ' : ''}
        {info?.replacementPending ? 'A new image is being processed. ' : ''}
      </p>
      {info ? (
        <dl className="meta">
          <dt>Views</dt><dd>{info.stats.views} ({info.stats.viewsToday} today)</dd>
          <dt>Impressions</dt><dd>{info.stats.impressions}</dd>
          <dt>Reactions</dt><dd>{info.stats.reactions}</dd>
        </dl>
      ) : null}
      {stats && stats.days.length > 0 ? (
        <details>
          <summary>Last 14 days</summary>
          <table>
            <thead><tr><th scope="col">Day</th><th scope="col">Views</th><th scope="col">Impressions</th><th scope="col">Reactions</th></tr></thead>
            <tbody>{stats.days.map((d) => <tr key={d.day}><td>{d.day}</td><td>{d.views}</td><td>{d.impressions}</td><td>{d.reactions}</td></tr>)}</tbody>
          </table>
        </details>
      ) : null}
      <div className="row">
        <Link className="btn" href={`/p/${postId}/edit`}>Edit</Link>
        <button type="button" onClick={() => void run(() => api.setHidden(postId, !hidden), hidden ? 'Your artwork is visible again.' : 'Your artwork is hidden.')}>
          {hidden ? 'Unhide' : 'Hide'}
        </button>
        <label className="btn">
          Replace image
          <input type="file" accept="image/png,image/gif,image/webp,image/bmp" className="visually-hidden"
            onChange={(e) => { const f = e.target.files?.[0]; if (f) void replace(f); e.target.value = ''; }} />
        </label>
        <button type="button" className="danger" onClick={() => setConfirm(true)}>Delete</button>
      </div>
      {progress !== null ? <progress aria-label="Upload progress" max={1} value={progress} /> : null}
      <p aria-live="polite" role="status">{message}</p>
      <ConfirmDialog open={confirm} title="Delete this artwork?" confirm="Delete artwork" onClose={() => setConfirm(false)}
        body="It disappears at once and is purged after 7 days."
        onConfirm={async () => {
          try {
            await api.deletePost(postId);
            router.push(`/u/${encodeURIComponent(post.owner.handle)}`);
          } catch (err) {
            setMessage(inWords(err));
          }
        }} />
    </section>
  );
}
