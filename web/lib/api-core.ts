import { errorBodySchema } from '@makapix/protocol';
import type { z } from 'zod';

/** The api's one error envelope (docs/product.md §3), carried to the page with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON body (objects) or a ready FormData. */
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

/** One call to the api: a zod schema for the answer, a path under /api/v1. */
export type Transport = <S extends z.ZodType>(schema: S, path: string, options?: CallOptions) => Promise<z.infer<S>>;

/** Turns any failed fetch Response into an ApiError without trusting its body. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  const parsed = errorBodySchema.safeParse(await res.json().catch(() => null));
  if (parsed.success) return new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, retryAfterS);
  return new ApiError(res.status, `http_${res.status}`, res.statusText || 'The server answered with an error', retryAfterS);
}

export function buildInit(options: CallOptions): RequestInit {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  return { method: options.method ?? 'GET', headers, body, signal: options.signal, credentials: 'same-origin' };
}

/** Parses a successful answer; 204 parses as null. A shape mismatch is a bug, reported in words. */
export async function parseAnswer<S extends z.ZodType>(schema: S, res: Response): Promise<z.infer<S>> {
  const value: unknown = res.status === 204 ? null : await res.json();
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(502, 'unexpected_answer', 'The server answered in a shape this page does not understand');
  return parsed.data;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
