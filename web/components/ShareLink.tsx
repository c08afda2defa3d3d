'use client';
import { useState } from 'react';

/** The artwork's address, selectable without JavaScript and copied with one button with it. */
export function ShareLink({ url }: { url: string }) {
  const [copied, setCopied] = useState('');
  return (
    <div className="row">
      <label htmlFor="share-url" className="visually-hidden">Link to this artwork</label>
      <input id="share-url" type="url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} style={{ flex: 1, minWidth: 0 }} />
      <button
        type="button"
        onClick={async () => {
          try {
            const canShare = typeof navigator.share === 'function';
            if (canShare) await navigator.share({ url });
            else await navigator.clipboard.writeText(url);
            setCopied(canShare ? 'Shared.' : 'Link copied.');
          } catch {
            setCopied('Select the link and copy it.');
          }
        }}
      >
        Share
      </button>
      <span aria-live="polite" className="hint">{copied}</span>
    </div>
  );
}
