'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import type { PostDetail } from '@makapix/protocol';
import { ArtistTools } from './ArtistTools';
import { PixelArt } from './PixelArt';
import { useSession } from './SessionProvider';

/** Shows the artist their own artwork that the public 404s (hidden, processing, failed); else `children`. */
export function OwnerOnlyArtwork({ children }: { children: ReactNode }) {
  const { api, status } = useSession();
  const sqid = /^\/p\/([^/]+)/.exec(usePathname() ?? '')?.[1];
  const [post, setPost] = useState<PostDetail | null>(null);

  useEffect(() => {
    if (status !== 'signed-in' || !sqid) return;
    api.post(sqid).then((p) => p.ownerInfo && setPost(p), () => {});
  }, [status, api, sqid]);

  if (!post) return <>{children}</>;
  return (
    <div className="artwork-layout">
      <div>
        {post.artUrl && post.width && post.height ? (
          <PixelArt src={post.artUrl} alt={post.title} width={post.width} height={post.height} box="fill" fallbackBox={{ width: 256, height: 256 }} className="artwork-stage" />
        ) : (
          <div className="artwork-stage checker pixel-box" role="img" aria-label={post.title}><p>{post.state === 'processing' ? 'Processing…' : 'No image'}</p></div>
        )}
      </div>
      <div className="artwork-side">
        <h1>{post.title}</h1>
        <p className="hint">Only you can see this artwork right now. <Link href={`/u/${encodeURIComponent(post.owner.handle)}`}>Your profile</Link></p>
        <ArtistTools postId={post.id} ownerId={post.owner.id} />
      </div>
    </div>
  );
}
