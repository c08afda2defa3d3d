import type { Capabilities, Command, CommandType, PlayerState } from '@makapix/protocol';

// The OPC commands (docs/device-protocol.md §6): the only ones the firmware acknowledges (issue 12). Each is
// checked against what the device advertised, as the firmware clamps nothing and refuses instead.
const SETTING_COMMANDS = ['set_paused', 'set_brightness', 'set_rotation', 'set_mirror'] as const;
type SettingCommand = Extract<Command, { command_type: (typeof SETTING_COMMANDS)[number] }>;

export function isSettingCommand(type: string): type is (typeof SETTING_COMMANDS)[number] & CommandType {
  return (SETTING_COMMANDS as readonly string[]).includes(type);
}

export const DEFAULT_CAPABILITIES: Capabilities = {
  firmware_version: 'sim-2.0.0',
  features: {
    pause: {},
    brightness: { min: 0, max: 100, step: 1 },
    rotation: { values: [0, 90, 180, 270] },
    mirror: { values: ['none', 'horizontal', 'vertical'] },
  },
};

export const DEFAULT_STATE: Required<PlayerState> = { is_paused: false, brightness: 80, rotation: 0, mirror: 'none' };

export type SettingResult = { ok: true; state: PlayerState } | { ok: false; error: string };

export function applySetting(state: PlayerState, capabilities: Capabilities, command: Command): SettingResult {
  const f = capabilities.features;
  const c = command as SettingCommand;
  switch (c.command_type) {
    case 'set_paused':
      return f.pause ? { ok: true, state: { ...state, is_paused: c.payload.paused } } : { ok: false, error: 'pause not supported' };
    case 'set_brightness':
      if (!f.brightness) return { ok: false, error: 'brightness not supported' };
      if (c.payload.value < f.brightness.min || c.payload.value > f.brightness.max) return { ok: false, error: 'brightness out of range' };
      return { ok: true, state: { ...state, brightness: c.payload.value } };
    case 'set_rotation':
      if (!f.rotation?.values.includes(c.payload.value)) return { ok: false, error: 'rotation not supported' };
      return { ok: true, state: { ...state, rotation: c.payload.value } };
    case 'set_mirror':
      if (!f.mirror?.values.includes(c.payload.value)) return { ok: false, error: 'mirror not supported' };
      return { ok: true, state: { ...state, mirror: c.payload.value } };
    default:
      return { ok: false, error: `${command.command_type} is not a setting` };
  }
}
