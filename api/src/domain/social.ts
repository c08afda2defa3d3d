import { users } from '@makapix/db';
import { decodeCursor, type MemberRef } from '@makapix/protocol';
import { z } from 'zod';
import { errors } from '../errors.ts';

// Helpers shared by the social features (follows, blocks, comments, notifications, reports,
// playlists): the member reference of a list entry (MemberRef in @makapix/protocol) and list cursors.

/** The columns a MemberRef is built from, for repos to select. */
export const memberRefColumns = { id: users.id, handle: users.handle, avatarUrl: users.avatarUrl };
export interface MemberRefRow {
  id: number;
  handle: string;
  avatarUrl: string | null;
}

export function toMemberRef(row: MemberRefRow, encode: (id: number) => string): MemberRef {
  return { id: encode(row.id), handle: row.handle, avatarUrl: row.avatarUrl };
}

/**
 * Keyset cursor of lists ordered by a timestamp then an id. The timestamp travels as PostgreSQL's
 * own text form: a JS Date would drop the microseconds and skip or repeat rows at page edges.
 */
export const timeCursorSchema = z.object({ t: z.string().min(1).max(64), id: z.number().int().positive() });
export type TimeCursor = z.infer<typeof timeCursorSchema>;

/** Decodes a list cursor; a malformed one is the client's mistake (400 validation_error, docs/product.md §3). */
export function readCursor<T extends z.ZodType>(cursor: string | undefined, schema: T): z.infer<T> | null {
  if (cursor === undefined) return null;
  const value = decodeCursor(cursor, schema);
  if (value === null) throw errors.validation([{ path: 'querystring.cursor', message: 'invalid cursor' }]);
  return value;
}
