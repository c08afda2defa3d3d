'use client';
import { useLayoutEffect } from 'react';
import { pixelScale, snapToDevicePixels } from '@/lib/pixel-scale';

/** Sizes one fixed-box artwork for this screen's devicePixelRatio (see PixelArt). */
function scaleImage(img: HTMLImageElement, dpr: number): void {
  const s = pixelScale(Number(img.getAttribute('width')), Number(img.getAttribute('height')), Number(img.dataset.boxW), Number(img.dataset.boxH), dpr);
  if (img.dataset.scale === String(s.factor) && img.dataset.dpr === String(dpr)) return;
  img.style.width = `${s.cssWidth}px`;
  img.style.height = `${s.cssHeight}px`;
  img.dataset.scale = String(s.factor);
  img.dataset.dpr = String(dpr);
}

/** docs/architecture.md §4.1: with reduced motion, grids show a still first frame (drawn from the decoded image). */
function holdStill(img: HTMLImageElement): void {
  if (img.dataset.stillDone !== undefined) return;
  img.dataset.stillDone = '';
  const source = new Image();
  source.crossOrigin = 'anonymous';
  source.onload = () => {
    try {
      const canvas = document.createElement('canvas');
      canvas.width = source.naturalWidth;
      canvas.height = source.naturalHeight;
      canvas.getContext('2d')?.drawImage(source, 0, 0);
      img.src = canvas.toDataURL('image/png');
    } catch {
      // The vault allows cross-origin reads; without them the animation simply keeps playing.
    }
  };
  source.src = img.currentSrc || img.src;
}

/**
 * One client component for the whole page: every fixed-box PixelArt (server HTML) is corrected
 * for the real devicePixelRatio before paint, again when the ratio changes (zoom, another
 * screen), and as grids append tiles.
 */
export function PixelScaler() {
  useLayoutEffect(() => {
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)');
    const apply = (root: ParentNode) => {
      const dpr = window.devicePixelRatio || 1;
      for (const img of root.querySelectorAll<HTMLImageElement>('img[data-pixel-art][data-box-w]')) {
        scaleImage(img, dpr);
        snapToDevicePixels(img, dpr);
        if (reduced.matches && img.dataset.still !== undefined) holdStill(img);
      }
    };
    apply(document);
    let query: MediaQueryList | null = null;
    const onDpr = () => {
      apply(document);
      query?.removeEventListener('change', onDpr);
      query = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      query.addEventListener('change', onDpr);
    };
    onDpr();
    const observer = new MutationObserver((records) => {
      for (const r of records) for (const node of r.addedNodes) if (node instanceof Element) apply(node.parentNode ?? node);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    // Layout that moves the grid (a resize, a web font arriving) can leave it between device pixels.
    const resnap = () => apply(document);
    const bodySize = new ResizeObserver(resnap);
    bodySize.observe(document.body);
    window.addEventListener('resize', resnap);
    void document.fonts?.ready.then(resnap);
    return () => {
      observer.disconnect();
      bodySize.disconnect();
      window.removeEventListener('resize', resnap);
      query?.removeEventListener('change', onDpr);
    };
  }, []);
  return null;
}
