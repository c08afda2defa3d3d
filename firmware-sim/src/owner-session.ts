import { DEVICE_HTTP_PATHS } from '@makapix/protocol';
import type { RegisterFn } from './provisioning.ts';

export interface OwnerSession {
  register: RegisterFn;
  accessToken: string;
  origin: string;
  /** `POST /api/v1/players/{key}/commands` as the owner's web app sends it (camelCase, docs/product.md §3). */
  sendCommand(playerKey: string, commandType: string, payload?: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** `POST /api/v1/players/commands`: one command to every player of the owner. */
  broadcast(commandType: string, payload?: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
}

/** Logs an owner in through the app API; registers codes and sends commands as that owner. */
export async function ownerSession(apiBaseUrl: string, email: string, password: string, forwardedFor?: string): Promise<OwnerSession> {
  const origin = apiBaseUrl.replace(/\/api\/?$/, '');
  const ip: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...ip },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`owner login as ${email} failed: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, ...ip },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return {
    accessToken,
    origin,
    register: async (code, name) => {
      const res = await post(DEVICE_HTTP_PATHS.register, { registration_code: code, name });
      if (res.status !== 201) throw new Error(`register ${code} failed: ${res.status} ${JSON.stringify(res.body)}`);
    },
    sendCommand: (playerKey, commandType, payload = {}) => post(`/api/v1/players/${playerKey}/commands`, { commandType, payload }),
    broadcast: (commandType, payload = {}) => post('/api/v1/players/commands', { commandType, payload }),
  };
}
