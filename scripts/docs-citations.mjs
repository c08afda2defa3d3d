#!/usr/bin/env node
/**
 * Points the tree's document citations at the documents in the repository (issue 9 item 5), and
 * checks that every document the tree cites is a file in it.
 *
 *   node scripts/docs-citations.mjs            rewrite citations in place, print the files changed
 *   node scripts/docs-citations.mjs --dry-run  print what would change, write nothing
 *   node scripts/docs-citations.mjs --check    list every citation of a document that is not a file
 *                                              in the repository; exit 1 when there is one
 *   --root <dir>                               another tree (default: this script's repository)
 *
 * The rewrite is mechanical because docs/product.md and docs/device-protocol.md keep the section
 * numbers of the product and protocol documents they replace (§1 … §7, §1 … §8 with §2.1 … §2.7),
 * and docs/architecture.md numbers the sections the old architecture document named in words:
 * its picture §1, layout §2, conventions §3 (convention N = §3.N), web §4, tests §5, benchmarks §6,
 * environment facts §7. Everything else in a file is left byte for byte as it was.
 *
 * No dependencies: it runs on a bare Node.js before `npm install`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** The replaced documents and their successors in the repository. */
export const TARGETS = {
  SPEC: 'docs/product.md',
  PROTOCOL: 'docs/device-protocol.md',
  ARCHITECTURE: 'docs/architecture.md',
};

/** Sections the old architecture document named in words, as docs/architecture.md numbers them. */
const ARCHITECTURE_SECTIONS = {
  shape: '1',
  picture: '1',
  layout: '2',
  conventions: '3',
  'the web': '4',
  web: '4',
  tests: '5',
  benchmarks: '6',
  'environment facts': '7',
  'how to': '8',
  'how-tos': '8',
};

// `../shared/X.md`, `/work/shared/X.md` or a bare `X.md` that is not the tail of another name or path;
// also the short form `X §N` (no extension) some schema comments use.
const CITATION =
  /(?<![\w@/.-])(?:(?:\.\.\/)+shared\/|\/work\/shared\/)?(SPEC|PROTOCOL|ARCHITECTURE)(?:\.md(?![\w-]|\.\w)|(?= §))/g;

// What may follow an architecture citation and name a section (matched at the citation's end).
const QUOTE = `["'\`\u201c\u201d]`;
const ARCH_NUMBERED = new RegExp(
  `^(?: (?:§ ?)?(?:${QUOTE}?conventions?${QUOTE}?) (\\d+)| §(\\d+)(?![.\\d]))`,
  'i',
);
const ARCH_NAMED = new RegExp(
  `^(?: §? ?${QUOTE}(shape|picture|layout|conventions|the web|web|tests|benchmarks|environment facts|how to|how-tos)${QUOTE}|, (environment facts))`,
  'i',
);

/** Rewrites every citation in `text`; returns the new text and how many citations changed. */
export function rewriteCitations(text) {
  let count = 0;
  let out = '';
  let last = 0;
  CITATION.lastIndex = 0;
  for (let m = CITATION.exec(text); m !== null; m = CITATION.exec(text)) {
    const doc = m[1];
    let end = m.index + m[0].length;
    let replacement = TARGETS[doc];
    if (doc === 'ARCHITECTURE') {
      const rest = text.slice(end, end + 60);
      const numbered = ARCH_NUMBERED.exec(rest);
      const named = numbered ? null : ARCH_NAMED.exec(rest);
      if (numbered) {
        replacement += ` §3.${numbered[1] ?? numbered[2]}`;
        end += numbered[0].length;
      } else if (named) {
        replacement += ` §${ARCHITECTURE_SECTIONS[(named[1] ?? named[2]).toLowerCase()]}`;
        end += named[0].length;
      }
    }
    out += text.slice(last, m.index) + replacement;
    last = end;
    CITATION.lastIndex = end;
    count += 1;
  }
  return { text: count === 0 ? text : out + text.slice(last), count };
}

// A path ending in .md with at least one directory (`docs/product.md`, `../shared/SPEC.md`), or a
// bare upper-case document name (`README.md`, `RESULTS.md`). Absolute paths (`/tmp/x.md`), URLs and
// lower-case bare names (`x.md` in a test's argv) are not citations of a document of the project.
const PATH_CITATION = /(?<![\w@/.:-])((?:\.{1,2}\/)*(?:[\w-]+\/)+[\w.-]+\.md)(?![\w-]|\.\w)/g;
const BARE_CITATION = /(?<![\w@/.-])([A-Z][A-Z0-9_-]*\.md)(?![\w-]|\.\w)/g;
const SHORT_CITATION = /(?<![\w@/.-])(SPEC|PROTOCOL|ARCHITECTURE|DESIGN)(?= §)/g;

/** Citations in `text` (of the file at `relFile`) that do not resolve to a file of the tree. */
export function danglingCitations(text, relFile, tree) {
  const found = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const m of line.matchAll(PATH_CITATION)) {
      const cited = m[1];
      const fromRoot = path.posix.normalize(cited);
      const fromFile = path.posix.normalize(path.posix.join(path.posix.dirname(relFile), cited));
      const inside = (p) => !p.startsWith('../') && p !== '..';
      if ((inside(fromRoot) && tree.files.has(fromRoot)) || (inside(fromFile) && tree.files.has(fromFile))) continue;
      found.push({ file: relFile, line: i + 1, cited });
    }
    for (const m of line.matchAll(BARE_CITATION)) {
      if (!tree.basenames.has(m[1])) found.push({ file: relFile, line: i + 1, cited: m[1] });
    }
    for (const m of line.matchAll(SHORT_CITATION)) {
      if (!tree.basenames.has(`${m[1]}.md`)) found.push({ file: relFile, line: i + 1, cited: `${m[1]}.md` });
    }
  });
  return found;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.data', '.turbo', '.next', 'dist', 'build', 'coverage']);
const BINARY_EXT = /\.(png|gif|webp|bmp|jpe?g|ico|pdf|zip|gz|tgz|woff2?|ttf|otf|pem|der|crt|key|bin|wasm|mp4|webm)$/i;

/** Tracked and untracked-but-not-ignored files (git), or a walk of the tree outside a checkout. */
function listFiles(root) {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '-c', '-o', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files = [...new Set(out.split('\0').filter(Boolean))];
    return files.filter((f) => fs.existsSync(path.join(root, f)) && !f.split('/').some((part) => SKIP_DIRS.has(part)));
  } catch {
    const files = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        if (SKIP_DIRS.has(entry.name)) continue;
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(rel);
        else if (entry.isFile()) files.push(rel);
      }
    };
    walk('');
    return files;
  }
}

function readText(abs) {
  const buf = fs.readFileSync(abs);
  if (buf.includes(0)) return null;
  return buf.toString('utf8');
}

/** Files the rewrite leaves alone: the new documents themselves, lock files, and this script. */
function rewritable(rel, root) {
  if (rel.startsWith('docs/') || rel.endsWith('package-lock.json') || BINARY_EXT.test(rel)) return false;
  return path.resolve(root, rel) !== SELF;
}

function checkable(rel, root) {
  if (rel.endsWith('package-lock.json') || BINARY_EXT.test(rel)) return false;
  return path.resolve(root, rel) !== SELF;
}

export function run(argv, { log = console.log, error = console.error } = {}) {
  const args = [...argv];
  const rootAt = args.indexOf('--root');
  const root = path.resolve(rootAt >= 0 ? args[rootAt + 1] ?? '.' : path.join(path.dirname(SELF), '..'));
  const check = args.includes('--check');
  const dryRun = args.includes('--dry-run');
  const unknown = args.filter((a, i) => a.startsWith('--') && !['--check', '--dry-run', '--root'].includes(a) && args[i - 1] !== '--root');
  if (unknown.length > 0) {
    error(`unknown option ${unknown.join(' ')}; use --check, --dry-run or --root <dir>`);
    return 2;
  }
  const files = listFiles(root);

  if (check) {
    const tree = { files: new Set(files), basenames: new Set(files.map((f) => path.posix.basename(f))) };
    const dangling = [];
    for (const rel of files) {
      if (!checkable(rel, root)) continue;
      const text = readText(path.join(root, rel));
      if (text !== null) dangling.push(...danglingCitations(text, rel, tree));
    }
    for (const d of dangling) error(`${d.file}:${d.line}: cites ${d.cited}, which is not a file in the repository`);
    if (dangling.length > 0) {
      error(`${dangling.length} citation(s) of documents outside the repository; run node scripts/docs-citations.mjs`);
      return 1;
    }
    log(`every cited document is a file in the repository (${files.length} files checked)`);
    return 0;
  }

  let changedFiles = 0;
  let changedCitations = 0;
  for (const rel of files) {
    if (!rewritable(rel, root)) continue;
    const abs = path.join(root, rel);
    const text = readText(abs);
    if (text === null) continue;
    const result = rewriteCitations(text);
    if (result.count === 0) continue;
    changedFiles += 1;
    changedCitations += result.count;
    log(`${rel}: ${result.count}`);
    if (!dryRun) fs.writeFileSync(abs, result.text);
  }
  log(`${dryRun ? 'would rewrite' : 'rewrote'} ${changedCitations} citation(s) in ${changedFiles} file(s)`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  process.exitCode = run(process.argv.slice(2));
}
