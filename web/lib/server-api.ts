import 'server-only';
import { notFound } from 'next/navigation';
import { ApiError, buildInit, errorFrom, parseAnswer, type Transport } from './api-core.ts';
import { createApi } from './api.ts';
import { config } from './config.ts';

/**
 * Server components call the api directly, as a visitor (the access token never leaves the
 * browser's memory), never cached: every page shows the feed as it is now.
 */
const serverTransport: Transport = async (schema, path, options = {}) => {
  let res: Response;
  try {
    res = await fetch(`${config.apiBase}${path}`, { ...buildInit(options), cache: 'no-store', signal: options.signal ?? AbortSignal.timeout(10_000) });
  } catch {
    throw new ApiError(503, 'api_unreachable', 'The api could not be reached');
  }
  if (!res.ok) throw await errorFrom(res);
  return parseAnswer(schema, res);
};

export const serverApi = createApi(serverTransport);

/** An unknown artwork or member is a real 404 page (HTTP 404), not an error screen. */
export async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || (err.status === 400 && err.code === 'validation_error'))) notFound();
    throw err;
  }
}
