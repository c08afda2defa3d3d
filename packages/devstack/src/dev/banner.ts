import type { DevConfig } from './config.ts';

/** What a person needs after `npm start`: where everything is and how to log in. */
export function printBanner(o: {
  publicBaseUrl: string;
  /** null when mail goes to an external SMTP server. */
  mailApiUrl: string | null;
  started: string[];
  config: DevConfig;
  /** null when there is no demo data (external SMTP: the seed cannot verify its accounts). */
  demo: { owner: string; artists: string[]; password: string } | null;
}) {
  const { external } = o.config;
  const lines = [
    '',
    '  Makapix Club is running',
    '',
    o.started.includes('web') ? `  Site ............ ${o.publicBaseUrl}/` : '  Site ............ (no web app in this tree yet; the API, docs and vault below are live)',
    `  API health ...... ${o.publicBaseUrl}/api/health`,
    `  API docs ........ ${o.publicBaseUrl}/api/docs`,
    `  Vault ........... ${o.publicBaseUrl}/vault/`,
    o.mailApiUrl
      ? `  Mails (sink) .... ${o.mailApiUrl}/messages   (or: npm run mail -- latest <address>)`
      : '  Mails ........... sent through the external SMTP_URL',
    `  MQTT (mTLS) ..... mqtts://${o.config.publicHost}:${o.config.ports.mqtts}  CA: ${o.config.dirs.ca}/ca.pem`,
    `  Processes ....... ${o.started.join(', ')}`,
    `  Data ............ ${o.config.dataDir} (kept between runs)`,
    ...(external.databaseUrl || external.redisUrl ? [`  External ........ ${[external.databaseUrl && 'PostgreSQL (DATABASE_URL)', external.redisUrl && 'Redis (REDIS_URL)'].filter(Boolean).join(', ')}`] : []),
    '',
    ...(o.demo
      ? [
          `  Demo logins (password ${o.demo.password}):`,
          `    ${o.demo.owner} (site owner, owns the simulated players)`,
          ...o.demo.artists.map((a) => `    ${a} (artist)`),
          '',
        ]
      : []),
    '  Press Ctrl-C to stop everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
