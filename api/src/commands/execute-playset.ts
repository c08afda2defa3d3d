import type { FastifyInstance } from 'fastify';
import type { CommandLogItem } from '@makapix/protocol';
import { requireOwnedPlayer } from '../features/players/service.ts';
import { devicePlayset } from '../features/playsets/service.ts';
import { sendToOwnedPlayer } from './send-player-command.ts';

/**
 * docs/product.md §5: pushes a saved playset (or the dynamic `followed_artists`) to one of the owner's players
 * as `execute_playset` (docs/device-protocol.md §6), under the same checks, limits and log as any command.
 */
export async function executePlayset(app: FastifyInstance, ownerId: number, playerId: string, name: string): Promise<CommandLogItem> {
  const player = await requireOwnedPlayer(app.db, ownerId, playerId);
  const playset = await devicePlayset(app, ownerId, name);
  return sendToOwnedPlayer(app, ownerId, player, { type: 'execute_playset', payload: playset });
}
