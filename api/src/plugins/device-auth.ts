import { parseBearerDeviceToken } from '@makapix/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiConfig } from '../config.ts';
import { errors } from '../errors.ts';
import { findDeviceByTokenHash } from '../features/players/repo.ts';
import { hashDeviceToken } from '../features/players/tokens.ts';

/** The player behind a device bearer token (docs/device-protocol.md §1 "Device over HTTPS"). */
export interface DeviceIdentity {
  playerId: number;
  playerKey: string;
  ownerId: number;
}

/** What device-plane code needs from the configuration: the CA files and what devices are told. */
export interface DevicePlane {
  pki: ApiConfig['pki'];
  /** docs/device-protocol.md §2: `mqtt_broker` / `broker` in provisioning and credentials. */
  broker: { host: string; port: number };
  /** docs/device-protocol.md §2: `https_api` = `{base_url: "<origin>/api", auth: "bearer"}`. */
  httpsApi: { base_url: string; auth: 'bearer' };
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * preHandler: `Authorization: Bearer mpx_live_…` of an active token whose player is registered and
     * not deleted and whose owner is active; sets `req.device`, else 401 `invalid_device_token`.
     */
    requireDevice: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Resolves a device token without failing (null when it is not an active device token). */
    authenticateDevice: (authorization: string | undefined) => Promise<DeviceIdentity | null>;
    devicePlane: DevicePlane;
  }
  interface FastifyRequest {
    /** The authenticated device (set by requireDevice), else null. */
    device: DeviceIdentity | null;
  }
}

export const deviceAuthPlugin = fp<{ config: ApiConfig }>(async (app: FastifyInstance, opts) => {
  const { config } = opts;
  app.decorate('devicePlane', {
    pki: config.pki,
    broker: { host: config.broker.publicHost, port: config.broker.publicPort },
    httpsApi: { base_url: `${config.http.publicBaseUrl}/api`, auth: 'bearer' },
  } satisfies DevicePlane);
  app.decorateRequest('device', null);

  const authenticateDevice = async (authorization: string | undefined): Promise<DeviceIdentity | null> => {
    const token = parseBearerDeviceToken(authorization);
    return token ? findDeviceByTokenHash(app.db, hashDeviceToken(token)) : null;
  };
  app.decorate('authenticateDevice', authenticateDevice);
  app.decorate('requireDevice', async (req: FastifyRequest) => {
    const device = await authenticateDevice(req.headers.authorization);
    if (!device) throw errors.unauthorized('The device token is missing, invalid or revoked', 'invalid_device_token');
    req.device = device;
  });
});
