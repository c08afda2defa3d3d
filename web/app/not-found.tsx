import Link from 'next/link';

export default function NotFound() {
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Not found</h1>
      <p>There is nothing at this address. The artwork or member may have been deleted, hidden, or the link mistyped.</p>
      <p className="row">
        <Link className="btn primary" href="/">Go to the recent feed</Link>
        <Link className="btn" href="/search">Search</Link>
      </p>
    </main>
  );
}
