import * as protocol from '@makapix/protocol';
import { describe, expect, it } from 'vitest';
import * as enums from './enums.ts';

// Each database enum against the protocol constant that defines its concept, in order: Postgres enum
// values are ordered, so a reordered constant would need a migration as much as a new value would.
const pairs: [string, { enumName: string; enumValues: readonly string[] }, readonly string[]][] = [
  ['user_role', enums.userRole, protocol.USER_ROLES],
  ['post_kind', enums.postKind, protocol.POST_KINDS],
  ['post_state', enums.postState, protocol.POST_STATES],
  ['image_format', enums.imageFormat, protocol.NATIVE_FORMATS],
  ['report_target_type', enums.reportTargetType, protocol.REPORT_TARGET_TYPES],
  ['report_status', enums.reportStatus, protocol.REPORT_STATUSES],
  ['notification_type', enums.notificationType, protocol.NOTIFICATION_TYPES],
  ['exposure_mode', enums.exposureMode, protocol.EXPOSURE_MODES],
  ['pick_mode', enums.pickMode, protocol.PICK_MODES],
  ['player_status', enums.playerStatus, protocol.PLAYER_STATUSES],
  ['command_type', enums.commandType, protocol.COMMAND_TYPES],
  ['command_ack_status', enums.commandAckStatus, protocol.COMMAND_ACK_STATUSES],
  ['view_intent', enums.viewIntent, protocol.VIEW_INTENTS],
];

describe('database enums', () => {
  it.each(pairs)('%s carries the protocol values', (name, pgEnum, values) => {
    expect(pgEnum.enumName).toBe(name);
    expect(pgEnum.enumValues).toEqual([...values]);
  });

  it('covers every enum the schema declares', () => {
    const checked = new Set(pairs.map(([, pgEnum]) => pgEnum));
    expect(Object.values(enums).filter((e) => !checked.has(e))).toEqual([]);
  });
});
