'use client';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { pixelBoxClass, pixelImgProps, pixelScale, snapToDevicePixels } from '@/lib/pixel-scale';
import type { PixelArtProps } from './PixelArt';

// useLayoutEffect warns during server render; the server path never runs effects anyway.
const useIsoLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/** devicePixelRatio, following zoom and moves between screens (a `resolution` query per value). */
function useDevicePixelRatio(): number {
  const [dpr, setDpr] = useState(1);
  useIsoLayoutEffect(() => {
    let query: MediaQueryList | null = null;
    const update = () => {
      setDpr(window.devicePixelRatio || 1);
      query?.removeEventListener('change', update);
      query = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      query.addEventListener('change', update);
    };
    update();
    return () => query?.removeEventListener('change', update);
  }, []);
  return dpr;
}

export type PixelArtFillProps = Omit<PixelArtProps, 'box' | 'stillWhenReducedMotion'>;

/**
 * PixelArt in a box only the browser can measure (the artwork page, the upload preview, the
 * player): the box is sized by CSS, so the server render at DPR 1 and the correction after it (in a
 * layout effect, before paint) never move anything around it.
 */
export function PixelArtFill({ src, alt, width, height, fallbackBox, checker = true, className, priority }: PixelArtFillProps) {
  const box = 'fill' as const;
  const dpr = useDevicePixelRatio();
  const boxRef = useRef<HTMLDivElement>(null);
  const [measured, setMeasured] = useState<{ width: number; height: number } | null>(null);

  useIsoLayoutEffect(() => {
    if (!boxRef.current) return;
    const el = boxRef.current;
    const measure = () => {
      const r = el.getBoundingClientRect();
      setMeasured((old) => (old && old.width === r.width && old.height === r.height ? old : { width: r.width, height: r.height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [box]);

  const area = measured ?? fallbackBox ?? { width, height };
  const scale = pixelScale(width, height, area.width, area.height, dpr);
  const imgRef = useRef<HTMLImageElement>(null);
  // After every size change (and on window resizes, which can move the box by a fraction of a device
  // pixel), the image is moved onto whole device pixels before paint.
  useIsoLayoutEffect(() => {
    const img = imgRef.current;
    if (!img) return;
    const snap = () => snapToDevicePixels(img, window.devicePixelRatio || 1);
    snap();
    window.addEventListener('resize', snap);
    void document.fonts?.ready.then(snap);
    return () => window.removeEventListener('resize', snap);
  }, [scale.cssWidth, scale.cssHeight, dpr]);
  return (
    <div ref={boxRef} className={pixelBoxClass(checker, className)}>
      <img ref={imgRef} {...pixelImgProps(scale, { src, alt, width, height, priority })} />
    </div>
  );
}
