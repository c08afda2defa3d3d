import { DEVICE_HTTP_PATHS } from '@makapix/protocol';
import type { RegisterFn } from './fleet.ts';

/** Logs the fleet's owner in through the app API and returns a register function for codes. */
export async function ownerSession(apiBaseUrl: string, email: string, password: string): Promise<{ register: RegisterFn; accessToken: string }> {
  const origin = apiBaseUrl.replace(/\/api\/?$/, '');
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`owner login as ${email} failed: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const register: RegisterFn = async (code, name) => {
    const res = await fetch(`${origin}${DEVICE_HTTP_PATHS.register}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ registration_code: code, name }),
    });
    if (res.status !== 201) throw new Error(`register ${code} failed: ${res.status} ${await res.text()}`);
  };
  return { register, accessToken };
}
