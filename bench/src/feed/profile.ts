import { Session } from 'node:inspector/promises';

/**
 * A V8 sampling profile of the api child over exactly one load run (started and stopped over IPC),
 * summarised in the child: where its CPU time went, by package or api file (self time), and the
 * api's own functions with everything they call (inclusive time). Shares are of non-idle time.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  share: number;
}

export interface ProfileSummary {
  /** Sampled non-idle time, ms. */
  busyMs: number;
  byPackage: ProfileShare[];
  apiInclusive: ProfileShare[];
}

const REPO = /^file:\/\/\/.*?\/(api|bench|packages|vault|worker)\/(src\/)?/;

/** `fastify`, `@fastify/cors`, `api/features/posts/present.ts`, `node internals`, `(garbage collector)`. */
function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const repo = REPO.exec(url);
  if (repo) return `${repo[1]}/${url.slice(repo[0].length)}`;
  return url;
}

export function summarize(profile: CpuProfile, top = 12): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    busy += us;
    const group = groupOf(node.callFrame);
    byPackage.set(group, (byPackage.get(group) ?? 0) + us);
    // Each api function on the stack once, however deep the recursion.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = nodes.get(cur)?.callFrame;
      if (!frame || !frame.url.includes('/api/src/')) continue;
      const name = `${frame.functionName || '(anonymous)'} (${groupOf(frame)})`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const ranked = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, share: us / Math.max(1, busy) }));
  return { busyMs: busy / 1000, byPackage: ranked(byPackage), apiInclusive: ranked(inclusive) };
}

export function createProfiler() {
  const session = new Session();
  session.connect();
  return {
    async start() {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    async stop(): Promise<ProfileSummary> {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      return summarize(profile as CpuProfile);
    },
  };
}
