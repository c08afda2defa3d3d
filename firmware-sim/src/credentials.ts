import { X509Certificate } from 'node:crypto';
import type { DeviceClock } from './device-clock.ts';
import type { DeviceHttp } from './http.ts';
import type { StoredPlayer } from './state-store.ts';

// Issue 12 (measured against the firmware): the p3a renews its certificate with its bearer token when
// it is within 45 days of expiry (the server allows 90, docs/device-protocol.md §2.4); it rotates its token with
// no credentials when it has none, or when renew-cert answers 401/403 (§2.5).
export const RENEW_WITHIN_DAYS = 45;
const DAY_MS = 86_400_000;

export function certificateExpiry(certPem: string): Date {
  return new Date(new X509Certificate(certPem).validTo);
}

/** Due when the device's clock is within 45 days of expiry; an unsynced clock never decides. */
export function renewalDue(certPem: string, clock: DeviceClock): boolean {
  if (!clock.synced()) return false;
  return certificateExpiry(certPem).getTime() - clock.now() <= RENEW_WITHIN_DAYS * DAY_MS;
}

export type RenewOutcome = 'renewed' | 'not_due' | 'refused';

export interface CredentialEvents {
  /** Persist the changed identity (the firmware writes NVS before using it). */
  save(creds: StoredPlayer): Promise<void>;
  log(msg: string): void;
  /** Counts each HTTP call for the fleet's totals. */
  onHttp?(what: 'renew_cert' | 'rotate_token', status: number): void;
}

/** The certificate and token half of the firmware's connection manager. */
export class CredentialKeeper {
  constructor(
    private creds: StoredPlayer,
    private readonly http: DeviceHttp,
    private readonly clock: DeviceClock,
    private readonly events: CredentialEvents,
  ) {}

  get current(): StoredPlayer {
    return this.creds;
  }

  /** `POST …/token/rotate` without credentials; true when a new token was stored. */
  async rotateToken(): Promise<boolean> {
    const res = await this.http.rotateTokenWithoutCredentials(this.creds.playerKey);
    this.events.onHttp?.('rotate_token', res.ok ? 200 : res.status);
    if (!res.ok) {
      this.events.log(`token rotation refused (${res.status})`);
      return false;
    }
    this.creds = { ...this.creds, apiToken: res.body.api_token };
    await this.events.save(this.creds);
    this.events.log('device token rotated');
    return true;
  }

  /** At boot: a device without a token gets one first (it needs it for renewals and HTTPS RPC). */
  async ensureToken(): Promise<boolean> {
    if (this.creds.apiToken) return true;
    return this.rotateToken();
  }

  /**
   * Renews when due, or unconditionally when `force` (after 3 failed TLS connects). A 401/403
   * rotates the token without credentials and tries once more, as the firmware does.
   */
  async renew(force = false): Promise<RenewOutcome> {
    if (!force && !renewalDue(this.creds.certPem, this.clock)) return 'not_due';
    if (!this.creds.apiToken && !(await this.rotateToken())) return 'refused';
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await this.http.renewCert(this.creds.apiToken!);
      this.events.onHttp?.('renew_cert', res.ok ? 200 : res.status);
      if (res.ok) {
        this.creds = { ...this.creds, certPem: res.body.cert_pem, keyPem: res.body.key_pem, caPem: res.body.ca_pem };
        await this.events.save(this.creds);
        this.events.log(`certificate renewed, expires ${res.body.cert_expires_at}`);
        return 'renewed';
      }
      this.events.log(`renew-cert refused (${res.status})`);
      if (attempt > 0 || (res.status !== 401 && res.status !== 403) || !(await this.rotateToken())) return 'refused';
    }
    return 'refused';
  }
}
