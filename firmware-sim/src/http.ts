import {
  credentialsResponseSchema,
  DEVICE_HTTP_PATHS,
  provisionResponseSchema,
  type CredentialsResponse,
  type ProvisionResponse,
} from '@makapix/protocol';

/** The device's HTTPS calls (PROTOCOL.md §2), against `{apiBaseUrl}` = `<origin>/api`. */
export class DeviceHttp {
  constructor(private readonly apiBaseUrl: string) {}

  private url(path: string): string {
    // DEVICE_HTTP_PATHS are absolute (`/api/player/...`); the base already ends in `/api`.
    return `${this.apiBaseUrl.replace(/\/api\/?$/, '')}${path}`;
  }

  async provision(deviceModel: string, firmwareVersion: string): Promise<ProvisionResponse> {
    const res = await fetch(this.url(DEVICE_HTTP_PATHS.provision), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_model: deviceModel, firmware_version: firmwareVersion }),
    });
    if (res.status !== 201) throw new Error(`provision answered ${res.status}: ${await res.text()}`);
    return provisionResponseSchema.parse(await res.json());
  }

  /** One credentials poll: null while the code is not registered yet (404). */
  async fetchCredentials(playerKey: string): Promise<CredentialsResponse | null> {
    const res = await fetch(this.url(DEVICE_HTTP_PATHS.credentials(playerKey)));
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`credentials answered ${res.status}: ${await res.text()}`);
    return credentialsResponseSchema.parse(await res.json());
  }

  /** Polls like the firmware: every `intervalMs` (3 s) for up to `timeoutMs` (15 min). */
  async waitForCredentials(playerKey: string, intervalMs = 3_000, timeoutMs = 15 * 60_000): Promise<CredentialsResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const creds = await this.fetchCredentials(playerKey);
      if (creds) return creds;
      if (Date.now() > deadline) throw new Error(`player ${playerKey} was not registered within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
