import {
  credentialsResponseSchema,
  DEVICE_HTTP_PATHS,
  provisionResponseSchema,
  renewCertResponseSchema,
  tokenRotateResponseSchema,
  type CredentialsResponse,
  type ProvisionResponse,
  type RenewCertResponse,
  type TokenRotateResponse,
} from '@makapix/protocol';

/** An HTTP answer the firmware branches on: the parsed body on 2xx, else the status alone. */
export type DeviceAnswer<T> = { ok: true; body: T } | { ok: false; status: number; text: string };

export interface DeviceHttpOptions {
  /**
   * `X-Forwarded-For` sent with every call. A simulated fleet comes from one address; a real one from
   * many, so a fleet gives each player its own to stay within the per-IP limits (docs/device-protocol.md §2).
   */
  forwardedFor?: string;
}

/** The device's HTTPS calls (docs/device-protocol.md §2), against `{apiBaseUrl}` = `<origin>/api`. */
export class DeviceHttp {
  constructor(
    readonly apiBaseUrl: string,
    private readonly opts: DeviceHttpOptions = {},
  ) {}

  private url(path: string): string {
    // DEVICE_HTTP_PATHS are absolute (`/api/player/...`); the base already ends in `/api`.
    return `${this.apiBaseUrl.replace(/\/api\/?$/, '')}${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.opts.forwardedFor ? { 'x-forwarded-for': this.opts.forwardedFor } : {}), ...extra };
  }

  async provision(deviceModel: string, firmwareVersion: string): Promise<ProvisionResponse> {
    const res = await fetch(this.url(DEVICE_HTTP_PATHS.provision), {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ device_model: deviceModel, firmware_version: firmwareVersion }),
    });
    if (res.status !== 201) throw new Error(`provision answered ${res.status}: ${await res.text()}`);
    return provisionResponseSchema.parse(await res.json());
  }

  /** One credentials poll: null while the code is not registered yet (404). */
  async fetchCredentials(playerKey: string): Promise<CredentialsResponse | null> {
    const res = await fetch(this.url(DEVICE_HTTP_PATHS.credentials(playerKey)), { headers: this.headers() });
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

  /** docs/device-protocol.md §2.4: renew the client certificate with the device bearer token. */
  renewCert(apiToken: string): Promise<DeviceAnswer<RenewCertResponse>> {
    return this.post(DEVICE_HTTP_PATHS.renewCert, { authorization: `Bearer ${apiToken}` }, (b) => renewCertResponseSchema.parse(b));
  }

  /**
   * docs/device-protocol.md §2.5 as the firmware calls it: with NO credentials at all (no stored token, or
   * renew-cert answered 401/403). A server that does not allow that answers 401; the caller decides.
   */
  rotateTokenWithoutCredentials(playerKey: string): Promise<DeviceAnswer<TokenRotateResponse>> {
    return this.post(DEVICE_HTTP_PATHS.rotateToken(playerKey), {}, (b) => tokenRotateResponseSchema.parse(b));
  }

  private async post<T>(path: string, headers: Record<string, string>, parse: (body: unknown) => T): Promise<DeviceAnswer<T>> {
    const res = await fetch(this.url(path), { method: 'POST', headers: this.headers(headers) });
    if (!res.ok) return { ok: false, status: res.status, text: await res.text() };
    return { ok: true, body: parse(await res.json()) };
  }
}
