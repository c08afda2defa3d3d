'use client';
import { useState } from 'react';
import { PixelArt } from './PixelArt';

/** The artwork large and crisp; transparent art on a checkerboard that can be switched to the page colour. */
export function ArtworkStage({ src, title, width, height, transparent }: { src: string; title: string; width: number; height: number; transparent: boolean }) {
  const [checker, setChecker] = useState(transparent);
  return (
    <>
      <PixelArt src={src} alt={title} width={width} height={height} box="fill" fallbackBox={{ width: 256, height: 256 }} className="artwork-stage" checker={checker} priority />
      {transparent ? (
        <p className="row" style={{ justifyContent: 'center' }}>
          <button type="button" className="link" aria-pressed={checker} onClick={() => setChecker((c) => !c)}>Checkerboard behind transparent pixels</button>
        </p>
      ) : null}
    </>
  );
}
