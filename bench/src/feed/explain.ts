import pg from 'pg';
import type { QuerySample } from './instrument.ts';

/**
 * EXPLAIN ANALYZE of the exact SQL the api sent (captured by the instrumented api child, with its
 * parameters), summarised to one line per query: the plan's nodes depth-first, then planning and
 * execution time of a warm run.
 */

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Scan Direction'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

export interface ExplainLine {
  query: string;
  summary: string;
  executionMs: number;
  planningMs: number;
}

function nodeText(n: PlanNode): string {
  const dir = n['Scan Direction'] === 'Backward' ? ' Backward' : '';
  const on = n['Index Name'] ? ` using ${n['Index Name']}` : n['Relation Name'] ? ` on ${n['Relation Name']}` : '';
  const loops = (n['Actual Loops'] ?? 1) > 1 ? ` ×${n['Actual Loops']} loops` : '';
  return `${n['Node Type']}${dir}${on} (rows ${n['Actual Rows'] ?? '?'}${loops})`;
}

function flatten(n: PlanNode): string[] {
  return [nodeText(n), ...(n.Plans ?? []).flatMap(flatten)];
}

/** A short name for the query: the table it reads and how it filters. */
const nameOf = (text: string) => (/from "posts"/.test(text) ? 'feed page (posts)' : /from "users"/.test(text) ? 'owner handles (users)' : text.slice(0, 40));

export async function explainQueries(databaseUrl: string, samples: readonly QuerySample[], warmRuns = 5): Promise<ExplainLine[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const lines: ExplainLine[] = [];
    for (const sample of samples) {
      let plan: Explained | undefined;
      for (let i = 0; i < warmRuns; i++) {
        const { rows } = await client.query<{ 'QUERY PLAN': Explained[] }>(`explain (analyze, buffers, format json) ${sample.text}`, sample.values);
        plan = rows[0]?.['QUERY PLAN'][0];
      }
      if (!plan) throw new Error(`no plan for ${sample.text}`);
      const buffers = `shared hit ${plan.Plan['Shared Hit Blocks'] ?? 0}, read ${plan.Plan['Shared Read Blocks'] ?? 0}`;
      lines.push({
        query: nameOf(sample.text),
        summary: `${flatten(plan.Plan).join(' → ')}; buffers ${buffers}; planning ${plan['Planning Time'].toFixed(3)} ms, execution ${plan['Execution Time'].toFixed(3)} ms`,
        executionMs: plan['Execution Time'],
        planningMs: plan['Planning Time'],
      });
    }
    return lines;
  } finally {
    await client.end();
  }
}
