/** Polls the api health endpoint (through Caddy) until it answers 200, or throws with the last answer. */
export async function waitForHealthy(url: string, timeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      const body = await res.text();
      if (res.status === 200) return JSON.parse(body);
      last = `${res.status} ${body.slice(0, 500)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms: ${last}`);
}
