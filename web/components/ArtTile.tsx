import Link from 'next/link';
import { GRID_CELL, gridSpan } from '@/lib/pixel-scale';
import type { PostSummary } from '@makapix/protocol';
import { PixelArt } from './PixelArt';

/** One grid cell: 128 px, or 2×2 for art above 128 px (docs/architecture.md §4.1 feed grid). */
export function ArtTile({ post, priority }: { post: PostSummary; priority?: boolean }) {
  const span = gridSpan(post.width, post.height);
  const size = span * GRID_CELL + (span - 1) * 8;
  return (
    <li className={span === 2 ? 'span2' : undefined}>
      <Link href={`/p/${post.id}`} className="tile" prefetch={false}>
        {post.artUrl && post.width && post.height ? (
          <PixelArt src={post.artUrl} alt={post.title} width={post.width} height={post.height} box={{ width: size, height: size }} priority={priority}
            stillWhenReducedMotion={(post.frameCount ?? 1) > 1} />
        ) : (
          <div className="pixel-box checker" style={{ width: size, height: size }} role="img" aria-label={post.title} />
        )}
        {post.state !== 'ready' ? <span className="state">{post.state === 'processing' ? 'Processing…' : 'Failed'}</span> : null}
        <span className="caption">
          <strong>{post.title}</strong>
          <span>@{post.owner.handle}</span>
        </span>
      </Link>
    </li>
  );
}
