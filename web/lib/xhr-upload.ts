import { errorBodySchema } from '@makapix/protocol';
import { ApiError } from './api-core.ts';

/**
 * fetch() cannot report upload progress; XMLHttpRequest's upload events can (the progress bar of
 * the upload page). Resolves with the parsed JSON of a 2xx answer, rejects with an ApiError.
 */
export function sendWithProgress(
  method: 'POST' | 'PUT',
  url: string,
  form: FormData,
  token: string | null,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.responseType = 'text';
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ status: xhr.status, body });
      const parsed = errorBodySchema.safeParse(body);
      const err = parsed.success ? parsed.data.error : null;
      const retry = Number(xhr.getResponseHeader('retry-after'));
      reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? 'The upload was refused', Number.isFinite(retry) && retry > 0 ? retry : null));
    });
    xhr.addEventListener('error', () => reject(new TypeError('network error')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'The upload was cancelled')));
    xhr.send(form);
  });
}
