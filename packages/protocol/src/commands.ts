import { z } from 'zod';
import { opaqueText, text } from './text.ts';
import { NATIVE_FORMATS, storageShardSchema } from './artwork-object.ts';
import type { Capabilities, CapabilityFeature } from './device-events.ts';
import { devicePlaysetChannelSchema, PLAYSET_MAX_CHANNELS } from './playsets.ts';

// docs/device-protocol.md §6: server → device commands on `…/command`.
export const COMMAND_TYPES = [
  'swap_next',
  'swap_back',
  'show_artwork',
  'play_channel',
  'execute_playset',
  'set_paused',
  'set_brightness',
  'set_rotation',
  'set_mirror',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const SHOW_ARTWORK_TITLE_MAX_BYTES = 128;

export function utf8ByteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8ByteLength(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const size = utf8ByteLength(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

const emptyPayload = z.object({});

export const showArtworkPayloadSchema = z.object({
  post_id: z.int().positive(),
  title: text().refine((t) => utf8ByteLength(t) <= SHOW_ARTWORK_TITLE_MAX_BYTES, {
    error: `title must be at most ${SHOW_ARTWORK_TITLE_MAX_BYTES} UTF-8 bytes`,
  }),
  storage_key: z.uuid(),
  storage_shard: storageShardSchema,
  native_format: z.enum(NATIVE_FORMATS),
  width: z.int().positive(),
  height: z.int().positive(),
});

// Never `user`: the firmware rejects play_channel with channel_name "user" (docs/device-protocol.md §6).
export const playChannelPayloadSchema = z.discriminatedUnion('channel_name', [
  z.object({ channel_name: z.literal(['all', 'promoted']) }),
  z.object({
    channel_name: z.literal(['by_user', 'reactions']),
    user_sqid: opaqueText({ min: 1 }),
    user_handle: text({ min: 1 }),
  }),
  z.object({ channel_name: z.literal('hashtag'), hashtag: text({ min: 1 }) }),
]);

export const executePlaysetPayloadSchema = z.object({
  name: text({ min: 1 }).optional(),
  channels: z.array(devicePlaysetChannelSchema).min(1).max(PLAYSET_MAX_CHANNELS),
});

export const commandPayloadSchemas = {
  swap_next: emptyPayload,
  swap_back: emptyPayload,
  show_artwork: showArtworkPayloadSchema,
  play_channel: playChannelPayloadSchema,
  execute_playset: executePlaysetPayloadSchema,
  set_paused: z.object({ paused: z.boolean() }),
  set_brightness: z.object({ value: z.int() }),
  set_rotation: z.object({ value: z.int() }),
  set_mirror: z.object({ value: text({ min: 1 }) }),
} as const;
export type CommandPayload<T extends CommandType> = z.infer<(typeof commandPayloadSchemas)[T]>;
export type CommandPayloadInput<T extends CommandType> = z.input<(typeof commandPayloadSchemas)[T]>;

function envelope<T extends CommandType>(type: T) {
  return z.object({
    command_id: z.uuid(),
    command_type: z.literal(type),
    payload: commandPayloadSchemas[type],
    timestamp: z.iso.datetime({ offset: true }),
  });
}

export const commandSchema = z.discriminatedUnion('command_type', [
  envelope('swap_next'),
  envelope('swap_back'),
  envelope('show_artwork'),
  envelope('play_channel'),
  envelope('execute_playset'),
  envelope('set_paused'),
  envelope('set_brightness'),
  envelope('set_rotation'),
  envelope('set_mirror'),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandOf<T extends CommandType> = Extract<Command, { command_type: T }>;

/** Validates the payload and wraps it in an envelope with a fresh UUID and the current time. */
export function buildCommand<T extends CommandType>(type: T, payload: CommandPayloadInput<T>): CommandOf<T> {
  const command = {
    command_id: globalThis.crypto.randomUUID(),
    command_type: type,
    payload: commandPayloadSchemas[type].parse(payload),
    timestamp: new Date().toISOString(),
  };
  return command as CommandOf<T>;
}

/** The advertised feature each settings command needs; the other commands need none. */
export const COMMAND_FEATURE: Readonly<Partial<Record<CommandType, CapabilityFeature>>> = {
  set_paused: 'pause',
  set_brightness: 'brightness',
  set_rotation: 'rotation',
  set_mirror: 'mirror',
};

export interface CommandRefusal {
  code: 'unsupported_command' | 'invalid_value';
  message: string;
}

type CommandLike = { [T in CommandType]: { command_type: T; payload: CommandPayload<T> } }[CommandType];

/**
 * docs/device-protocol.md §6: a command for a feature the device did not advertise is `unsupported_command`; a
 * value outside the advertised range or set is `invalid_value`. Null when the command may be sent.
 */
export function validateCommandAgainstCapabilities(
  command: CommandLike,
  capabilities: Capabilities | null | undefined,
): CommandRefusal | null {
  const features = capabilities?.features ?? {};
  const unsupported = (feature: CapabilityFeature): CommandRefusal => ({
    code: 'unsupported_command',
    message: `${command.command_type} needs the "${feature}" feature, which this player did not advertise`,
  });
  switch (command.command_type) {
    case 'set_paused':
      return features.pause ? null : unsupported('pause');
    case 'set_brightness': {
      const range = features.brightness;
      if (!range) return unsupported('brightness');
      const { value } = command.payload;
      return value >= range.min && value <= range.max
        ? null
        : { code: 'invalid_value', message: `brightness must be between ${range.min} and ${range.max}` };
    }
    case 'set_rotation': {
      const allowed = features.rotation?.values;
      if (!allowed) return unsupported('rotation');
      return allowed.includes(command.payload.value)
        ? null
        : { code: 'invalid_value', message: `rotation must be one of ${allowed.join(', ')}` };
    }
    case 'set_mirror': {
      const allowed = features.mirror?.values;
      if (!allowed) return unsupported('mirror');
      return allowed.includes(command.payload.value)
        ? null
        : { code: 'invalid_value', message: `mirror must be one of ${allowed.join(', ')}` };
    }
    default:
      return null;
  }
}
