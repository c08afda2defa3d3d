import { z } from 'zod';
import { opaqueText } from '../text.ts';
import { httpViewEventSchema } from '../device-events.ts';

// The device's HTTPS routes (docs/device-protocol.md §5, §7; paths in DEVICE_HTTP_PATHS): snake_case like the
// MQTT payloads they mirror. The answers of a device request are the protocol's deviceResponseSchema.

/** A device request over HTTPS: any JSON object, checked by the request's own schema afterwards. */
export const deviceRpcBodySchema = z.record(z.string(), z.unknown());

/** A view over HTTPS: the MQTT view event, with the player key and ack flag optional. */
export const deviceViewBodySchema = httpViewEventSchema.extend({
  player_key: opaqueText().optional(),
  request_ack: z.boolean().optional(),
});
export type DeviceViewBody = z.infer<typeof deviceViewBodySchema>;

export const deviceViewAcceptedSchema = z.object({ success: z.literal(true) });
export type DeviceViewAccepted = z.infer<typeof deviceViewAcceptedSchema>;
export const deviceViewDeduplicatedSchema = z.object({ success: z.literal(true), deduplicated: z.literal(true) });
export type DeviceViewDeduplicated = z.infer<typeof deviceViewDeduplicatedSchema>;
