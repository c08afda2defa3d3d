import { NOTIFICATION_TYPES, REPORT_STATUSES, REPORT_TARGET_TYPES } from '@makapix/protocol';
import { pgEnum } from 'drizzle-orm/pg-core';

// SPEC §1 roles: a site owner can do everything a moderator can, plus manage moderators.
export const userRole = pgEnum('user_role', ['member', 'moderator', 'owner']);

export const postKind = pgEnum('post_kind', ['artwork', 'playlist']);

// SPEC §2: an upload is `processing` until the worker has written every file to the vault.
export const postState = pgEnum('post_state', ['processing', 'ready', 'failed']);

// SPEC §2 accepted formats; PROTOCOL.md §5 `native_format`.
export const imageFormat = pgEnum('image_format', ['png', 'gif', 'webp', 'bmp']);

export const reportTargetType = pgEnum('report_target_type', REPORT_TARGET_TYPES);

export const reportStatus = pgEnum('report_status', REPORT_STATUSES);

// SPEC §4 notification kinds.
export const notificationType = pgEnum('notification_type', NOTIFICATION_TYPES);

// SPEC §5 playsets.
export const exposureMode = pgEnum('exposure_mode', ['equal', 'manual', 'proportional']);
export const pickMode = pgEnum('pick_mode', ['recency', 'random']);

// PROTOCOL.md §4 status topic.
export const playerStatus = pgEnum('player_status', ['online', 'offline']);

// PROTOCOL.md §6 command types.
export const commandType = pgEnum('command_type', [
  'swap_next',
  'swap_back',
  'show_artwork',
  'play_channel',
  'execute_playset',
  'set_paused',
  'set_brightness',
  'set_rotation',
  'set_mirror',
]);

// PROTOCOL.md §4 `command/ack` status.
export const commandAckStatus = pgEnum('command_ack_status', ['ok', 'error', 'unsupported']);

// PROTOCOL.md §7 view intent.
export const viewIntent = pgEnum('view_intent', ['artwork', 'channel']);
