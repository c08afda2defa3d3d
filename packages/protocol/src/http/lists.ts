import { z } from 'zod';
import { opaqueText } from '../text.ts';

// docs/product.md §3: `/api/v1` lists are `{"items": […], "nextCursor": string|null}` with keyset cursors,
// `limit` default 50, max 200. (Device routes keep their own snake_case shapes.)
export const LIST_DEFAULT_LIMIT = 50;
export const LIST_MAX_LIMIT = 200;

export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export type List<T> = { items: T[]; nextCursor: string | null };

/** Query string of any list route; `limit` arrives as a string and is coerced. */
export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(LIST_MAX_LIMIT).default(LIST_DEFAULT_LIMIT),
  cursor: opaqueText({ min: 1, max: 512 }).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only proves there is a next page, and
 * the cursor is taken from the last row returned.
 */
export function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): List<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

/** Opaque keyset cursors: base64url of a small JSON value, so clients cannot depend on their shape. */
export function encodeCursor(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes and validates a cursor; null when it is malformed (the route answers 400 validation_error). */
export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.infer<T> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
