import type { DevConfig } from './config.ts';

/** What a person needs after `npm start`: where everything is and how to log in. */
export function printBanner(o: {
  publicBaseUrl: string;
  mailApiUrl: string;
  started: string[];
  config: DevConfig;
  demo: { owner: string; artists: string[]; password: string };
}) {
  const lines = [
    '',
    '  Makapix Club is running',
    '',
    o.started.includes('web') ? `  Site ............ ${o.publicBaseUrl}/` : '  Site ............ (no web app in this tree yet; the API, docs and vault below are live)',
    `  API health ...... ${o.publicBaseUrl}/api/health`,
    `  API docs ........ ${o.publicBaseUrl}/api/docs`,
    `  Vault ........... ${o.publicBaseUrl}/vault/`,
    `  Mails (sink) .... ${o.mailApiUrl}/messages   (or: npm run mail -- latest <address>)`,
    `  MQTT (mTLS) ..... mqtts://${o.config.publicHost}:${o.config.ports.mqtts}  CA: ${o.config.dirs.ca}/ca.pem`,
    `  Processes ....... ${o.started.join(', ')}`,
    `  Data ............ ${o.config.dataDir} (kept between runs)`,
    '',
    `  Demo logins (password ${o.demo.password}):`,
    `    ${o.demo.owner} (site owner, owns the simulated players)`,
    ...o.demo.artists.map((a) => `    ${a} (artist)`),
    '',
    '  Press Ctrl-C to stop everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
