import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dataRoot, repoRoot } from '@makapix/devstack';
import { freeStackPorts, RunningStack } from '@makapix/e2e/stack.ts';
import { writeResultsSection } from '../results-section.ts';
import { lighthouseMedian } from './lighthouse.ts';
import { measureLoad } from './load.ts';
import { startBenchNext } from './next-server.ts';
import { renderSection } from './report.ts';

/**
 * `npm run bench:web` (`-- --quick` for a short look that writes nothing): Lighthouse on the home
 * feed and an artwork page, then the server-rendered feed page against a static page of the same
 * bytes from the same Next server. Writes its section of bench/RESULTS.md.
 */
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const RUNS = args.quick ? 1 : 5;
const CONNECTIONS = 50;
const SECONDS = args.quick ? 5 : 20;
const log = (line: string) => console.log(`[bench:web ${new Date().toISOString().slice(11, 19)}] ${line}`);

const dataDir = path.join(dataRoot, 'bench', `web-${process.pid}`);
const ports = await freeStackPorts();
const origin = `http://localhost:${ports.http}`;
log(`starting the platform (the README's run command) in ${dataDir}`);
const stack = RunningStack.start(dataDir, ports, { MAKAPIX_SIM_PLAYERS: '1' });
let next: Awaited<ReturnType<typeof startBenchNext>> | undefined;
const cleanup = async () => {
  await next?.stop().catch(() => undefined);
  await stack.interrupt().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

try {
  await stack.waitFor('Makapix Club is running', 15 * 60_000);
  const home = await fetch(`${origin}/`);
  const homeHtml = await home.text();
  const sqid = /href="\/p\/([^"/?#]+)"/.exec(homeHtml)?.[1];
  if (home.status !== 200 || !sqid) throw new Error(`the home feed answered ${home.status} without an artwork link`);
  const loadBefore = os.loadavg();

  const pages = [];
  for (const [label, route] of [['home feed `/`', '/'], ['artwork page `/p/…`', `/p/${sqid}`]] as const) {
    pages.push(await lighthouseMedian(label, `${origin}${route}`, RUNS, log));
  }

  // The page as a visitor's first request gets it from Next itself (not through Caddy).
  const feedHtml = Buffer.from(await (await fetch(`http://127.0.0.1:${ports.web}/`)).arrayBuffer());
  next = await startBenchNext(feedHtml, { apiUpstream: `127.0.0.1:${ports.api}`, publicBaseUrl: origin });
  const reference = await fetch(`${next.origin}${next.staticPath}`);
  if (reference.status !== 200 || (await reference.arrayBuffer()).byteLength !== feedHtml.length) throw new Error('the static reference page is not served with the feed page’s bytes');
  log(`load: feed page (${feedHtml.length} B) against its static copy, ${CONNECTIONS} connections, ${SECONDS} s each`);
  const feed = await measureLoad('server-rendered feed `/`', `${next.origin}/`, CONNECTIONS, SECONDS);
  const staticRun = await measureLoad('static page, same bytes', `${next.origin}${next.staticPath}`, CONNECTIONS, SECONDS);
  for (const l of [feed, staticRun]) log(`${l.label}: ${l.reqPerSec.toFixed(0)} req/s, p99 ${l.latencyMs.p99} ms, failures ${l.failures}`);

  const section = renderSection({
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    command: `npm run bench:web${args.quick ? ' -- --quick' : ''}`,
    machine: `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    loadBefore,
    loadAfter: os.loadavg(),
    lighthouseRuns: RUNS,
    pages,
    connections: CONNECTIONS,
    seconds: SECONDS,
    feed,
    reference: staticRun,
  });
  console.log(`\n${section}`);
  if (!args.quick) {
    await writeResultsSection(path.join(repoRoot, 'bench', 'RESULTS.md'), section);
    log('bench/RESULTS.md updated');
  }
} catch (err) {
  log(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
