'use client';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { pixelScale } from '@/lib/pixel-scale';

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

export interface PixelArtProps {
  src: string;
  alt: string;
  /** The artwork's own size in art pixels. */
  width: number;
  height: number;
  /**
   * The box the art must fit, in CSS px; 'fill' measures the parent (which must have a size, so the
   * server render and the correction after it never move anything around it).
   */
  box: { width: number; height: number } | 'fill';
  /** Server-render guess for a 'fill' box before it can be measured. */
  fallbackBox?: { width: number; height: number };
  checker?: boolean;
  className?: string;
  priority?: boolean;
  /** Animated art that should hold still for people who asked for reduced motion (grids). */
  stillWhenReducedMotion?: boolean;
}

/**
 * DESIGN.md: with reduced motion, grids show a still first frame. A freshly decoded GIF/WebP draws
 * its first frame onto a canvas; that frame becomes the image (the vault allows cross-origin reads).
 */
function useStillFrame(src: string, width: number, height: number, wanted: boolean): string | null {
  const [still, setStill] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted || !window.matchMedia('(prefers-reduced-motion: reduce)').matches) return;
    const img = new Image(width, height);
    img.crossOrigin = 'anonymous';
    img.onload = () => {
      try {
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        canvas.getContext('2d')?.drawImage(img, 0, 0, width, height);
        setStill(canvas.toDataURL('image/png'));
      } catch {
        // A tainted canvas (no CORS) leaves the animation as it is.
      }
    };
    img.src = src;
  }, [src, width, height, wanted]);
  return still;
}

/**
 * DESIGN.md "Every pixel honest": the one component that shows an artwork, at a whole number of
 * DEVICE pixels per art pixel (CSS size = art × k / devicePixelRatio), `image-rendering: pixelated`,
 * width and height set before the image loads. The server renders with DPR 1; the client corrects
 * in a layout effect (before paint) inside a box whose size never depends on the image.
 */
export function PixelArt({ src, alt, width, height, box, fallbackBox, checker = true, className, priority, stillWhenReducedMotion = false }: PixelArtProps) {
  const dpr = useDevicePixelRatio();
  const still = useStillFrame(src, width, height, stillWhenReducedMotion);
  const boxRef = useRef<HTMLDivElement>(null);
  const [measured, setMeasured] = useState<{ width: number; height: number } | null>(null);

  useIsoLayoutEffect(() => {
    if (box !== 'fill' || !boxRef.current) return;
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

  const area = box === 'fill' ? (measured ?? fallbackBox ?? { width, height }) : box;
  const scale = pixelScale(width, height, area.width, area.height, dpr);
  const style = box === 'fill' ? undefined : { width: box.width, height: box.height };
  return (
    <div ref={boxRef} className={`pixel-box${checker ? ' checker' : ''}${className ? ` ${className}` : ''}`} style={style}>
      <img
        data-pixel-art=""
        data-scale={scale.factor}
        src={still ?? src}
        alt={alt}
        width={width}
        height={height}
        style={{ width: `${scale.cssWidth}px`, height: `${scale.cssHeight}px` }}
        loading={priority ? 'eager' : 'lazy'}
        decoding="async"
        draggable={false}
      />
    </div>
  );
}
