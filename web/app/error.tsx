'use client';
import Link from 'next/link';
import { useEffect } from 'react';

/** The error boundary: the problem in words and a way on, never a blank screen or a stack trace. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const unreachable = /api could not be reached|fetch failed/i.test(error.message);
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Something went wrong</h1>
      <p role="alert">
        {unreachable ? 'The server is not answering right now. Try again in a moment.' : 'This page could not be shown. Try again, or go back to the feed.'}
      </p>
      <p className="row">
        <button type="button" className="primary" onClick={reset}>Try again</button>
        <Link className="btn" href="/">Go to the recent feed</Link>
      </p>
      {error.digest ? <p className="hint">Reference: {error.digest}</p> : null}
    </main>
  );
}
