import Link from 'next/link';
import { OwnerOnlyArtwork } from '@/components/OwnerOnlyArtwork';

/**
 * An artwork visitors cannot see answers a real 404. Its artist may still see it (hidden,
 * processing or failed): with their token the browser asks again and shows their tools.
 */
export default function ArtworkNotFound() {
  return (
    <main id="main">
      <OwnerOnlyArtwork>
        <div className="narrow">
          <h1 className="page-title pixel">Artwork not found</h1>
          <p>There is no artwork at this address. It may have been deleted or hidden, or the link is mistyped.</p>
          <p className="row">
            <Link className="btn primary" href="/">Go to the recent feed</Link>
            <Link className="btn" href="/search">Search</Link>
          </p>
        </div>
      </OwnerOnlyArtwork>
    </main>
  );
}
