'use client';

/** Last resort when the root layout itself fails: plain HTML with a way on. */
export default function GlobalError({ reset }: { error: Error; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: 24, background: '#111318', color: '#e8e9ee' }}>
        <main>
          <h1>Makapix Club is having trouble</h1>
          <p>The page could not be shown. Try again, or come back in a moment.</p>
          <p>
            <button type="button" onClick={reset}>Try again</button> <a href="/" style={{ color: '#ff77a8' }}>Go to the home page</a>
          </p>
        </main>
      </body>
    </html>
  );
}
