import type { Metadata } from 'next';
import Link from 'next/link';
import { cache } from 'react';
import { ArtistTools } from '@/components/ArtistTools';
import { ArtworkStage } from '@/components/ArtworkStage';
import { Comments } from '@/components/Comments';
import { FollowButton } from '@/components/FollowButton';
import { Reactions } from '@/components/Reactions';
import { ReportButton } from '@/components/ReportButton';
import { ShareLink } from '@/components/ShareLink';
import { ViewCounter } from '@/components/ViewCounter';
import { config } from '@/lib/config';
import { bytes, day, excerpt, ms } from '@/lib/format';
import { orNotFound, serverApi } from '@/lib/server-api';

type Props = { params: Promise<{ sqid: string }> };
const loadPost = cache((sqid: string) => orNotFound(serverApi.post(sqid)));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const post = await loadPost((await params).sqid);
  const description = excerpt(post.description, `Pixel art by @${post.owner.handle} on Makapix Club.`);
  const image = post.upscaledUrl ? [{ url: post.upscaledUrl, alt: post.title }] : undefined;
  return {
    title: `${post.title} by @${post.owner.handle}`,
    description,
    alternates: { canonical: `/p/${post.id}` },
    openGraph: { type: 'article', title: post.title, description, url: `/p/${post.id}`, images: image },
    twitter: { card: 'summary_large_image', title: post.title, description, images: post.upscaledUrl ? [post.upscaledUrl] : undefined },
  };
}

export default async function ArtworkPage({ params }: Props) {
  const { sqid } = await params;
  const post = await loadPost(sqid);
  const [reactions, comments] = await Promise.all([serverApi.reactions(post.id), serverApi.comments(post.id, { limit: 100 })]);
  const animated = (post.frameCount ?? 1) > 1;
  const transparent = post.alpha.actual === true || post.transparency.actual === true;

  return (
    <main id="main">
      <ViewCounter postId={post.id} />
      <div className="artwork-layout">
        <div>
          {post.artUrl && post.width && post.height ? (
            <ArtworkStage src={post.artUrl} title={post.title} width={post.width} height={post.height} transparent={transparent} />
          ) : (
            <div className="artwork-stage checker pixel-box" role="img" aria-label={post.title}>
              <p>{post.state === 'processing' ? 'Processing…' : 'This image is not available.'}</p>
            </div>
          )}
        </div>
        <div className="artwork-side">
          <h1>{post.title}</h1>
          <p className="row">
            by <Link href={`/u/${encodeURIComponent(post.owner.handle)}`}>@{post.owner.handle}</Link>
            <FollowButton userId={post.owner.id} handle={post.owner.handle} />
          </p>
          {post.description ? <p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{post.description}</p> : null}
          {post.hashtags.length > 0 ? (
            <ul className="tags" aria-label="Hashtags">
              {post.hashtags.map((t) => <li key={t}><Link href={`/t/${encodeURIComponent(t)}`}>#{t}</Link></li>)}
            </ul>
          ) : null}
          <dl className="meta">
            <dt>Size</dt><dd>{post.width ?? '—'}×{post.height ?? '—'} px</dd>
            <dt>Frames</dt><dd>{post.frameCount ?? '—'}{animated ? ' (animated)' : ''}</dd>
            {animated ? <><dt>Duration</dt><dd>{ms(post.totalDurationMs)} (frames {ms(post.minFrameDurationMs)}–{ms(post.maxFrameDurationMs)})</dd></> : null}
            <dt>Colours</dt><dd>{post.uniqueColors ?? '—'}</dd>
            <dt>Format</dt><dd>{post.nativeFormat?.toUpperCase() ?? '—'}{transparent ? ', transparent' : ''}</dd>
            <dt>File size</dt><dd>{bytes(post.fileBytes)}</dd>
            <dt>Posted</dt><dd><time dateTime={post.createdAt}>{day(post.createdAt)}</time></dd>
            <dt>Views</dt><dd>{post.counts.views}</dd>
          </dl>
          <Reactions postId={post.id} initial={reactions} />
          {post.files ? (
            <section className="section" aria-labelledby="downloads-title">
              <h2 id="downloads-title">Downloads</h2>
              <ul className="tags">
                {post.files.renditions.map((r) => (
                  <li key={r.format}><a href={r.url} download>{r.format.toUpperCase()}{r.format === post.nativeFormat ? ' (original)' : ''}</a></li>
                ))}
                <li><a href={post.files.upscaledUrl} download>Upscaled WebP</a></li>
              </ul>
            </section>
          ) : null}
          <section className="section" aria-labelledby="share-title">
            <h2 id="share-title">Share</h2>
            <ShareLink url={`${config.publicBaseUrl}/p/${post.id}`} />
            <p className="row" style={{ marginTop: 8 }}>
              <Link className="btn" href={`/play?channel=${encodeURIComponent(`user:${post.owner.handle}`)}`}>Play @{post.owner.handle} full screen</Link>
              <ReportButton targetType="post" targetId={post.id} label="Report artwork" />
            </p>
          </section>
          <ArtistTools postId={post.id} ownerId={post.owner.id} />
        </div>
      </div>
      <Comments postId={post.id} initial={comments.items} nextCursor={comments.nextCursor} />
    </main>
  );
}
