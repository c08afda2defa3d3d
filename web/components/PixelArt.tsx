import { pixelBoxClass, pixelImgProps, pixelScale } from '@/lib/pixel-scale';
import { PixelArtFill } from './PixelArtFill';

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
 * docs/architecture.md §4.1 "Every pixel honest": the one component that shows an artwork, at a whole number of
 * DEVICE pixels per art pixel (CSS size = art × k / devicePixelRatio), `image-rendering: pixelated`,
 * width and height set before the image loads. In a fixed box (grid cells) it is plain server HTML
 * sized for DPR 1, which PixelScaler (one client component for the whole page) corrects before
 * paint and on every DPR change — no client component per tile. A measured box is PixelArtFill.
 */
export function PixelArt(props: PixelArtProps) {
  const { src, alt, width, height, box, checker = true, className, priority, stillWhenReducedMotion = false } = props;
  if (box === 'fill') return <PixelArtFill {...props} />;
  const scale = pixelScale(width, height, box.width, box.height, 1);
  return (
    <div className={pixelBoxClass(checker, className)} style={{ width: box.width, height: box.height }}>
      <img
        {...pixelImgProps(scale, { src, alt, width, height, priority })}
        data-box-w={box.width}
        data-box-h={box.height}
        data-still={stillWhenReducedMotion ? '' : undefined}
      />
    </div>
  );
}
