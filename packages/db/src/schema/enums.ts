import {
  COMMAND_ACK_STATUSES,
  COMMAND_TYPES,
  EXPOSURE_MODES,
  NATIVE_FORMATS,
  NOTIFICATION_TYPES,
  PICK_MODES,
  PLAYER_STATUSES,
  POST_KINDS,
  POST_STATES,
  REPORT_STATUSES,
  REPORT_TARGET_TYPES,
  USER_ROLES,
  VIEW_INTENTS,
} from '@makapix/protocol';
import { pgEnum } from 'drizzle-orm/pg-core';

// Every enum's values come from the protocol constant that defines the concept, so the database and
// the wire cannot drift. Postgres enum values are ordered and only ever appended to: a new value goes
// at the end of the protocol constant, and drizzle-kit then generates the ALTER TYPE migration.

// docs/product.md §1 roles: a site owner can do everything a moderator can, plus manage moderators.
export const userRole = pgEnum('user_role', USER_ROLES);

export const postKind = pgEnum('post_kind', POST_KINDS);

// docs/product.md §2: an upload is `processing` until the worker has written every file to the vault.
export const postState = pgEnum('post_state', POST_STATES);

// docs/product.md §2 accepted formats; docs/device-protocol.md §5 `native_format`.
export const imageFormat = pgEnum('image_format', NATIVE_FORMATS);

export const reportTargetType = pgEnum('report_target_type', REPORT_TARGET_TYPES);

export const reportStatus = pgEnum('report_status', REPORT_STATUSES);

// docs/product.md §4 notification kinds.
export const notificationType = pgEnum('notification_type', NOTIFICATION_TYPES);

// docs/product.md §5 playsets.
export const exposureMode = pgEnum('exposure_mode', EXPOSURE_MODES);
export const pickMode = pgEnum('pick_mode', PICK_MODES);

// docs/device-protocol.md §4 status topic.
export const playerStatus = pgEnum('player_status', PLAYER_STATUSES);

// docs/device-protocol.md §6 command types.
export const commandType = pgEnum('command_type', COMMAND_TYPES);

// docs/device-protocol.md §4 `command/ack` status.
export const commandAckStatus = pgEnum('command_ack_status', COMMAND_ACK_STATUSES);

// docs/device-protocol.md §7 view intent.
export const viewIntent = pgEnum('view_intent', VIEW_INTENTS);
