import { decodeCursor, encodeCursor, type List, type ListQuery, pageOf } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { type CommandLogItem } from '@makapix/protocol';
import { presentCommand } from './command-input.ts';
import { listCommands } from './command-repo.ts';
import { requireOwnedPlayer } from './service.ts';

const cursorSchema = z.object({ id: z.int().positive() });

/** docs/device-protocol.md §6: the player's command log with acks, newest first. */
export async function listCommandLog(app: FastifyInstance, ownerId: number, playerId: string, query: ListQuery): Promise<List<CommandLogItem>> {
  const player = await requireOwnedPlayer(app.db, ownerId, playerId);
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, cursorSchema);
  if (query.cursor !== undefined && !cursor) throw errors.validation([{ path: 'querystring.cursor', message: 'invalid cursor' }]);
  const rows = await listCommands(app.db, player.id, { beforeId: cursor?.id ?? null, limit: query.limit });
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ id: last.id }));
  return { items: page.items.map((row) => presentCommand(row, player.playerKey)), nextCursor: page.nextCursor };
}
