import { z } from 'zod';

// The demo seed (`tsx packages/devstack/src/demo/seed.ts`, run by the dev command on a fresh database) is its own
// process with its own variables; its defaults match the dev command's.
const seedEnvSchema = z.object({
  SEED_ORIGIN: z.url().default('http://localhost:8080'),
  SEED_MAIL_API_URL: z.url().default('http://127.0.0.1:8025'),
  DATABASE_URL: z.string().min(1).default('postgres://makapix:makapix@127.0.0.1:54329/makapix'),
  SEED_OWNER_EMAIL: z.email().default('demo@makapix.club'),
  SEED_PASSWORD: z.string().min(8).default('demo-pixels-1'),
  SEED_ARTWORKS: z.coerce.number().int().min(1).max(500).default(55),
});

/** Parses the demo seed's configuration once; fails fast listing every problem. */
export function loadSeedConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = seedEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid seed configuration:\n${problems}`);
  }
  const e = parsed.data;
  return {
    origin: e.SEED_ORIGIN.replace(/\/+$/, ''),
    mailApiUrl: e.SEED_MAIL_API_URL,
    db: { url: e.DATABASE_URL },
    ownerEmail: e.SEED_OWNER_EMAIL,
    password: e.SEED_PASSWORD,
    artworks: e.SEED_ARTWORKS,
  };
}

export type SeedConfig = ReturnType<typeof loadSeedConfig>;
