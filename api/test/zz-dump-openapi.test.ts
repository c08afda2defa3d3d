import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { createTestApp } from './helpers.ts';

it('dumps', async () => {
  const t = await createTestApp();
  const spec = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
  writeFileSync(process.env.DUMP_TO!, JSON.stringify(spec.json(), null, 1));
  await t.close();
});
