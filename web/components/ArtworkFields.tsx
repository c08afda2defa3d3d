'use client';
import { useId } from 'react';

export interface ArtworkFieldValues {
  title: string;
  description: string;
  hashtags: string;
}

/** docs/product.md §2: hashtags lower-cased, # stripped, de-duplicated, ≤64 of ≤64 chars. */
export function parseHashtags(text: string): string[] {
  const tags = text.split(/[\s,]+/).map((t) => t.replace(/^#+/, '').toLowerCase()).filter(Boolean);
  return [...new Set(tags)].slice(0, 64);
}

/** Title, description and hashtags, shared by the upload and edit pages. */
export function ArtworkFields({ values, onChange }: { values: ArtworkFieldValues; onChange: (v: ArtworkFieldValues) => void }) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} type="text" value={values.title} onChange={(e) => onChange({ ...values, title: e.target.value })} required maxLength={128} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-desc`}>Description</label>
        <textarea id={`${id}-desc`} value={values.description} onChange={(e) => onChange({ ...values, description: e.target.value })} maxLength={5000} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-tags`}>Hashtags</label>
        <input id={`${id}-tags`} type="text" value={values.hashtags} onChange={(e) => onChange({ ...values, hashtags: e.target.value })} aria-describedby={`${id}-tags-hint`} />
        <span id={`${id}-tags-hint`} className="hint">Separate with spaces or commas, e.g. “cat space”.</span>
      </div>
    </>
  );
}
