import type { CorpusFile } from './corpus.ts';
import type { Machine } from './machine.ts';
import type { StepProfile } from './side-result.ts';
import type { Goal, Summary } from './stats.ts';

/** The markdown the image benchmark prints and keeps in bench/RESULTS.md. */

export const SECTION_TITLE = '## Image pipeline vs Pillow';

export interface Report {
  date: string;
  command: string;
  machine: Machine;
  load: { waited: string; start: number; end: number };
  corpus: { mix: CorpusFile[]; worst: CorpusFile; description: string };
  mix: { ours: Summary; pillow: Summary };
  worst: { ours: Summary; pillow: Summary };
  goals: Goal[];
  workDifferences: string[];
  pixelChecks: { side: string; checked: number; mismatches: string[] }[];
  /** Ours from the profile pass; Pillow's steps from its first measured run of the same workload. */
  profiles: { label: string; measuredSeconds: number; profile: StepProfile; pillowSteps: Record<string, number>; pillowSeconds: number }[];
  notes: string[];
}

const f = (n: number, digits = 2) => n.toFixed(digits);
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** Ratio written so that > 1 always means "ours is better" on that row. */
const better = (ours: number, pillow: number, higherIsBetter: boolean) => `${f(higherIsBetter ? ours / pillow : pillow / ours)}×`;

function mixTable({ ours, pillow }: Report['mix']): string {
  return table(
    ['mix', 'ours (sharp + TS)', 'Pillow', 'ours vs Pillow (>1 = ours better)'],
    [
      ['batch time, s (median)', f(ours.seconds, 3), f(pillow.seconds, 3), better(ours.seconds, pillow.seconds, false)],
      ['batch times, s (all runs)', ours.allSeconds.map((s) => f(s, 3)).join(', '), pillow.allSeconds.map((s) => f(s, 3)).join(', '), ''],
      ['**files/s**', f(ours.filesPerSecond, 1), f(pillow.filesPerSecond, 1), `**${better(ours.filesPerSecond, pillow.filesPerSecond, true)}**`],
      ['**frames/s**', f(ours.framesPerSecond, 1), f(pillow.framesPerSecond, 1), `**${better(ours.framesPerSecond, pillow.framesPerSecond, true)}**`],
      ['process wall time incl. start-up, s', f(ours.wallSeconds), f(pillow.wallSeconds), better(ours.wallSeconds, pillow.wallSeconds, false)],
      ['peak RSS, MB (interpreter baseline)', `${f(ours.peakRssMb, 0)} (${f(ours.baselineRssMb, 0)})`, `${f(pillow.peakRssMb, 0)} (${f(pillow.baselineRssMb, 0)})`, better(ours.peakRssMb, pillow.peakRssMb, false)],
      ['bytes written', String(ours.outputBytes), String(pillow.outputBytes), better(ours.outputBytes, pillow.outputBytes, false)],
    ],
  );
}

function worstTable({ ours, pillow }: Report['worst']): string {
  return table(
    ['worst case', 'ours (sharp + TS)', 'Pillow', 'ours vs Pillow (>1 = ours better)'],
    [
      ['**time in process, s (median)**', f(ours.seconds), f(pillow.seconds), `**${better(ours.seconds, pillow.seconds, false)}**`],
      ['times, s (all runs)', ours.allSeconds.map((s) => f(s)).join(', '), pillow.allSeconds.map((s) => f(s)).join(', '), ''],
      ['process wall time incl. start-up, s', f(ours.wallSeconds), f(pillow.wallSeconds), better(ours.wallSeconds, pillow.wallSeconds, false)],
      ['frames/s', f(ours.framesPerSecond, 1), f(pillow.framesPerSecond, 1), better(ours.framesPerSecond, pillow.framesPerSecond, true)],
      ['**peak RSS, MB** (interpreter baseline)', `**${f(ours.peakRssMb, 0)}** (${f(ours.baselineRssMb, 0)})`, `${f(pillow.peakRssMb, 0)} (${f(pillow.baselineRssMb, 0)})`, better(ours.peakRssMb, pillow.peakRssMb, false)],
      ['bytes written', String(ours.outputBytes), String(pillow.outputBytes), better(ours.outputBytes, pillow.outputBytes, false)],
    ],
  );
}

type Steps = Record<string, number>;
const sum = (steps: Steps) => Object.values(steps).reduce((a, b) => a + b, 0);
const share = (steps: Steps, name: string) => {
  const s = steps[name];
  return s === undefined ? '–' : `${f(s, 3)} (${f((100 * s) / sum(steps), 0)} %)`;
};
/** Step names sorted by their largest share in any column, biggest first. */
function byWeight(columns: readonly Steps[]): string[] {
  const weight = (name: string) => Math.max(...columns.map((c) => (c[name] ?? 0) / sum(c)));
  return [...new Set(columns.flatMap((c) => Object.keys(c)))].sort((a, b) => weight(b) - weight(a));
}

/** "webp: libwebp encode via sharp (effort 0)" → "webp"; "unique colours + alpha (TS)" → "unique colours + alpha". */
function grouped(steps: Steps): Steps {
  const out: Steps = {};
  for (const [name, s] of Object.entries(steps)) {
    const group = (name.split(':')[0] as string).replace(' (TS)', '');
    out[group] = (out[group] ?? 0) + s;
  }
  return out;
}

function sideBySideTable(profiles: Report['profiles']): string {
  const columns = profiles.flatMap((p) => [grouped(p.profile.steps), grouped(p.pillowSteps)]);
  const rows = byWeight(columns).map((name) => [name, ...columns.map((c) => share(c, name))]);
  rows.push([
    '**sum of steps** (measured batch time)',
    ...profiles.flatMap((p) => [`**${f(sum(p.profile.steps), 3)}** (${f(p.measuredSeconds, 3)})`, `**${f(sum(p.pillowSteps), 3)}** (${f(p.pillowSeconds, 3)})`]),
  ]);
  return table(['step group (s, share)', ...profiles.flatMap((p) => [`ours, ${p.label}`, `Pillow, ${p.label}`])], rows);
}

function detailTable(who: string, profiles: Report['profiles'], pick: (p: Report['profiles'][number]) => Steps): string {
  const columns = profiles.map(pick);
  const rows = byWeight(columns).map((name) => [name, ...columns.map((c) => share(c, name))]);
  return table([`${who} step (s, share)`, ...profiles.map((p) => p.label)], rows);
}

/** The part of our time spent on a check Pillow does not make: decoding each written file again. */
function verifyShare(profiles: Report['profiles']): string {
  const parts = profiles.map((p) => {
    const verify = Object.entries(p.profile.steps).filter(([name]) => name.includes('verify')).reduce((a, [, s]) => a + s, 0);
    return `${f(verify, 3)} s of ${f(sum(p.profile.steps), 3)} s (${f((100 * verify) / sum(p.profile.steps), 0)} %) on the ${p.label}`;
  });
  return `Verification (sharp decode + pixel compare of every PNG/WebP frame written), which the Pillow side does not do: ${parts.join('; ')}.`;
}

export function renderSection(r: Report): string {
  const { machine: m, corpus } = r;
  const parts = [
    SECTION_TITLE,
    '',
    `Date: ${r.date}. Command (from the repository root): \`${r.command}\` (the same as \`npm run bench:images\` from bench/).`,
    '',
    `Machine: ${m.os}, ${m.cpu}, nproc ${m.nproc}, ${f(m.ramGb, 1)} GB RAM; Node ${m.node}; ${m.sharp}; ${m.pillow}.`,
    `Load (1-minute average, shared machine): ${f(r.load.start)} when the runs began, ${f(r.load.end)} when they ended; ${r.load.waited}.`,
    '',
    `Corpus: ${corpus.description}`,
    '',
    `### Throughput on the mix (${r.mix.ours.files} files, ${r.mix.ours.frames} frames; median of ${r.mix.ours.runs} runs per side)`,
    '',
    mixTable(r.mix),
    '',
    `### Worst case: ${corpus.worst.width}×${corpus.worst.height} ${corpus.worst.format.toUpperCase()}, ${corpus.worst.frames} frames, ${corpus.worst.bytes} bytes (median of ${r.worst.ours.runs} runs per side)`,
    '',
    worstTable(r.worst),
    '',
    '### Goals',
    '',
    table(['goal', 'target', 'measured', 'result'], r.goals.map((g) => [g.name, g.target, g.measured, g.pass ? 'PASS' : '**FAIL**'])),
    '',
    '### Same work, same outputs?',
    '',
    r.workDifferences.length === 0
      ? '- Metadata and renditions agree file by file (frame count, unique colours, transparency, set of files written).'
      : `- Differences in the work done:\n${r.workDifferences.map((d) => `  - ${d}`).join('\n')}`,
    ...r.pixelChecks.map(
      (c) => `- ${c.side}: ${c.checked - c.mismatches.length} of ${c.checked} renditions decode (with Pillow) to the source pixels` +
        (c.mismatches.length ? `; differ: ${c.mismatches.join(', ')}.` : '.'),
    ),
  ];
  if (r.profiles.length) {
    parts.push(
      '',
      '### Where the time goes',
      '',
      'Ours: a separate profile pass calling the pipeline\'s steps one by one (worker/src/images/*, same order and arguments as `buildRenditions`), no files written. Pillow: the step timers of its first measured run (writes included in each format\'s step).',
      '',
      sideBySideTable(r.profiles),
      '',
      verifyShare(r.profiles),
      '',
      detailTable('our', r.profiles, (p) => p.profile.steps),
      '',
      detailTable('Pillow', r.profiles, (p) => p.pillowSteps),
    );
  }
  if (r.notes.length) parts.push('', '### Notes', '', ...r.notes.map((n) => `- ${n}`));
  return `${parts.join('\n')}\n`;
}


/** How the two sides were made comparable, printed under the tables. */
export function methodNotes(): string[] {
  return [
    'Same work on both sides, per file: read, sha256, decode every frame to RGBA, unique colours per frame (all fully transparent pixels count as one) and transparency, then write the native bytes, every other format (stills: PNG, GIF, lossless WebP, BMP; animations: GIF and lossless WebP with every frame and its duration) and `_upscaled.webp` (nearest-neighbour by floor(768 / longest side)). Opaque images are written as RGB PNG/BMP on both sides, as ours does.',
    'Ours = `processArtworkBytes` (worker/src/artwork/pipeline.ts, what the process-artwork job calls) in a child `node --import tsx` process, renditions written to a temp dir instead of the vault. Pillow = bench/pillow/renditions.py under /usr/bin/python3. Peak RSS is VmHWM from /proc/self/status at the end of the batch; the baseline is VmHWM before the first file (Node + tsx loader vs the Python interpreter).',
    'Lossless WebP: Pillow is given the libwebp effort ("method") and quality (80) our pipeline picks for the same pixel count (`webpEffort`: 4 up to 1.2 Mpx in total, 1 up to 10 Mpx, else 0), so both ask libwebp for the same effort. Animated WebP on the Pillow side goes through Pillow\'s own `WebPAnimEncoder` binding one frame at a time (what `Image.save(save_all=True)` calls, without first holding every upscaled frame in memory); it diffs consecutive frames. Ours writes still WebP renditions with libwebp at that effort, and the animated WebP and every `_upscaled.webp` frame with its own lossless VP8L encoder (worker/src/images/vp8l-encode.ts: each source pixel once, the enlargement as backward copies), muxing the ANMF chunks itself.',
    'Ours also decodes every PNG and WebP file that sharp or its own VP8L encoder writes at native size and compares it pixel by pixel with the source before accepting it (a safety net Pillow does not have); the GIF, BMP and preview encoders are exact by construction and unit-tested. That cost is inside our times.',
    'Times are wall-clock inside the process for the whole batch (no interpreter start-up); the "incl. start-up" row is spawn-to-exit. Each side runs each workload the stated number of times, alternating which side goes first; the tables show medians. MB = 10^6 bytes.',
    'Pillow 9.4 saves an RGBA image as a 32-bit BI_RGB BMP with no alpha mask, which readers (Pillow included) take as opaque, so its BMP renditions of transparent stills lose the transparency; ours writes a BITMAPV4HEADER with an alpha mask (packages/media/src/pixels/bmp.ts).',
    'Pixel check: after the first run, each side\'s output directory is decoded by Pillow (`renditions.py --check`) and every frame compared with the source (fully transparent pixels compare equal whatever their RGB; the preview against the nearest-neighbour upscale).',
  ];
}
