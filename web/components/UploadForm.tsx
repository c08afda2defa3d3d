'use client';
import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '@/lib/api-core';
import { checkUpload } from '@/lib/upload-rules';
import { inWords } from '@/lib/words';
import { sendWithProgress } from '@/lib/xhr-upload';
import { postDetailSchema, type PostDetail } from '@makapix/protocol';
import { ArtworkFields, parseHashtags, type ArtworkFieldValues } from './ArtworkFields';
import { PixelArt } from './PixelArt';
import { useSession } from './SessionProvider';

type Picked = { file: File; url: string; width: number; height: number; frames: number; format: string };
type Phase = { kind: 'edit' } | { kind: 'uploading'; fraction: number } | { kind: 'processing'; post: PostDetail } | { kind: 'ready'; post: PostDetail } | { kind: 'failed'; reason: string };

/**
 * docs/product.md §2 upload: the file is checked in the browser first (magic bytes, 5 MiB, sizes — the same
 * rules as the api), previewed pixel-exact, sent with a progress bar, then followed until the
 * worker has made it ready (or says why it failed).
 */
export function UploadForm() {
  const { status, token, renew, api } = useSession();
  const inputId = useId();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [ruleError, setRuleError] = useState('');
  const [values, setValues] = useState<ArtworkFieldValues>({ title: '', description: '', hashtags: '' });
  const [phase, setPhase] = useState<Phase>({ kind: 'edit' });
  const [over, setOver] = useState(false);
  const [error, setError] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => () => { if (picked) URL.revokeObjectURL(picked.url); }, [picked]);

  // Follow the post until the worker finishes it.
  useEffect(() => {
    if (phase.kind !== 'processing') return;
    const timer = setInterval(async () => {
      try {
        const post = await api.post(phase.post.id);
        if (post.state === 'ready') setPhase({ kind: 'ready', post });
        else if (post.state === 'failed') setPhase({ kind: 'failed', reason: post.ownerInfo?.failureReason ?? 'The image could not be processed.' });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) setPhase({ kind: 'failed', reason: 'The image could not be processed; nothing was kept.' });
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [phase, api]);

  const pick = async (file: File | undefined) => {
    setError('');
    if (!file) return;
    const verdict = checkUpload(new Uint8Array(await file.arrayBuffer()));
    if (!verdict.ok) {
      setPicked(null);
      setRuleError(verdict.words);
      return;
    }
    setRuleError('');
    const h = verdict.header;
    setPicked({ file, url: URL.createObjectURL(file), width: h.width, height: h.height, frames: h.frameCount, format: h.format });
    if (!values.title) setValues((v) => ({ ...v, title: file.name.replace(/\.[^.]+$/, '').slice(0, 128) }));
  };

  const submit = async () => {
    if (!picked) {
      setRuleError('Choose an artwork file first.');
      return;
    }
    const form = new FormData();
    form.append('title', values.title.trim());
    if (values.description.trim()) form.append('description', values.description.trim());
    for (const tag of parseHashtags(values.hashtags)) form.append('hashtags', tag);
    form.append('file', picked.file);
    const onProgress = (fraction: number) => setPhase({ kind: 'uploading', fraction });
    setPhase({ kind: 'uploading', fraction: 0 });
    try {
      let answer;
      try {
        answer = await sendWithProgress('POST', '/api/v1/posts', form, token(), onProgress);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) throw err;
        answer = await sendWithProgress('POST', '/api/v1/posts', form, await renew(), onProgress);
      }
      const post = postDetailSchema.parse(answer.body);
      setPhase(post.state === 'ready' ? { kind: 'ready', post } : { kind: 'processing', post });
    } catch (err) {
      setError(inWords(err));
      setPhase({ kind: 'edit' });
    }
  };

  if (status === 'loading') return <p>Loading…</p>;
  if (status === 'signed-out') return <p className="card">Please <Link href="/login?next=%2Fupload">log in</Link> or <Link href="/signup">sign up</Link> to upload your artworks.</p>;

  if (phase.kind === 'processing' || phase.kind === 'ready' || phase.kind === 'failed') {
    return (
      <div className="card stack">
        {picked ? <PixelArt src={picked.url} alt={values.title} width={picked.width} height={picked.height} box="fill" fallbackBox={{ width: 320, height: 320 }} className="preview" /> : null}
        <p role="status" aria-live="polite">
          {phase.kind === 'processing' ? 'Processing…' : phase.kind === 'ready' ? 'Ready' : `Processing failed: ${phase.reason}`}
        </p>
        {phase.kind === 'ready' ? <p><Link className="btn primary" href={`/p/${phase.post.id}`}>See your artwork “{phase.post.title}”</Link></p> : null}
        {phase.kind !== 'processing' ? (
          <p><button type="button" onClick={() => { setPhase({ kind: 'edit' }); setPicked(null); setValues({ title: '', description: '', hashtags: '' }); }}>Upload another</button></p>
        ) : null}
      </div>
    );
  }

  return (
    <form className="card" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => { e.preventDefault(); setOver(false); void pick(e.dataTransfer.files[0]); }}
      >
        <label htmlFor={inputId} className="label">Artwork file</label>
        <p className="hint">Drop a PNG, GIF, WebP or BMP here, or choose one. At most 5 MiB and 256×256; below 128 px a side only 8×8, 8×16, 16×16, 16×32, 32×32, 32×64, 64×64, 64×128 (and their turned sizes).</p>
        <input ref={fileInput} id={inputId} type="file" accept="image/png,image/gif,image/webp,image/bmp" onChange={(e) => void pick(e.target.files?.[0])} />
      </div>
      <div role="alert" className="error">{ruleError}</div>
      {picked ? (
        <>
          <PixelArt src={picked.url} alt={`Preview of ${values.title || picked.file.name}`} width={picked.width} height={picked.height} box="fill" fallbackBox={{ width: 320, height: 320 }} className="preview" />
          <p className="hint">{picked.width}×{picked.height} px · {picked.format.toUpperCase()} · {picked.frames} frame{picked.frames === 1 ? '' : 's'} · shown at a whole number of screen pixels per art pixel</p>
        </>
      ) : null}
      <ArtworkFields values={values} onChange={setValues} />
      {phase.kind === 'uploading' ? (
        <div className="field">
          <label htmlFor={`${inputId}-progress`}>Upload progress</label>
          <progress id={`${inputId}-progress`} max={1} value={phase.fraction} aria-label="Upload progress">{Math.round(phase.fraction * 100)}%</progress>
        </div>
      ) : null}
      <p role="alert" className="error">{error}</p>
      <button type="submit" className="primary" disabled={phase.kind === 'uploading'}>Upload</button>
    </form>
  );
}
