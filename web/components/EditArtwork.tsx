'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { inWords } from '@/lib/words';
import type { PostDetail } from '@makapix/protocol';
import { ArtworkFields, parseHashtags, type ArtworkFieldValues } from './ArtworkFields';
import { useSession } from './SessionProvider';

export function EditArtwork({ postId }: { postId: string }) {
  const { api, status, user } = useSession();
  const router = useRouter();
  const [post, setPost] = useState<PostDetail | null>(null);
  const [values, setValues] = useState<ArtworkFieldValues>({ title: '', description: '', hashtags: '' });
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (status !== 'signed-in') return;
    api.post(postId).then((p) => {
      setPost(p);
      setValues({ title: p.title, description: p.description ?? '', hashtags: p.hashtags.join(' ') });
    }, (err: unknown) => setMessage(inWords(err)));
  }, [status, api, postId]);

  if (status === 'loading') return <p>Loading…</p>;
  if (status === 'signed-out') return <p>Please <Link href={`/login?next=${encodeURIComponent(`/p/${postId}/edit`)}`}>log in</Link> to edit your artwork.</p>;
  if (!post) return <p role="alert">{message || 'Loading…'}</p>;
  if (post.owner.id !== user?.id) return <p role="alert">Only the artist can edit this artwork. <Link href={`/p/${postId}`}>Back to the artwork</Link></p>;

  return (
    <form
      className="card"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          await api.editPost(postId, { title: values.title.trim(), description: values.description.trim() || null, hashtags: parseHashtags(values.hashtags) });
          router.push(`/p/${postId}`);
        } catch (err) {
          setMessage(inWords(err));
          setBusy(false);
        }
      }}
    >
      <ArtworkFields values={values} onChange={setValues} />
      <p role="alert" className="error">{message}</p>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>Save</button>
        <Link className="btn" href={`/p/${postId}`}>Cancel</Link>
      </div>
    </form>
  );
}
