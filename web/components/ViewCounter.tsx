'use client';
import { useEffect } from 'react';
import { useSession } from './SessionProvider';

/** docs/product.md §4: an Artwork View is a deliberate look — reported after 2 s with the page visible. */
export const VIEW_AFTER_MS = 2000;

export function ViewCounter({ postId }: { postId: string }) {
  const { api, status } = useSession();
  useEffect(() => {
    if (status === 'loading') return;
    let visibleMs = 0;
    let since = document.visibilityState === 'visible' ? performance.now() : null;
    let sent = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      if (since === null || sent) return;
      timer = setTimeout(() => {
        sent = true;
        const dwellMs = Math.round(visibleMs + (performance.now() - (since ?? performance.now())));
        api.reportView(postId, { kind: 'view', dwellMs }).catch(() => {});
      }, Math.max(0, VIEW_AFTER_MS - visibleMs));
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') {
        since = performance.now();
      } else if (since !== null) {
        visibleMs += performance.now() - since;
        since = null;
      }
      arm();
    };
    document.addEventListener('visibilitychange', onVisibility);
    arm();
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [api, postId, status]);
  return null;
}
