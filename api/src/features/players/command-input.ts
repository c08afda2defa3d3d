import type { CommandLogItem } from '@makapix/protocol';
import type { CommandRow } from './command-repo.ts';

// A logged command row → the CommandLogItem of @makapix/protocol (http/players.ts).

export function presentCommand(row: CommandRow, playerKey: string): CommandLogItem {
  return {
    commandId: row.commandId,
    playerId: playerKey,
    commandType: row.commandType,
    payload: row.payload,
    sentAt: row.sentAt.toISOString(),
    ack: row.ackStatus ? { status: row.ackStatus, error: row.ackError, ackedAt: row.ackedAt?.toISOString() ?? null } : null,
  };
}
