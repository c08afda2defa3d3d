import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Every document a comment cites must be a file of the repository (issue 9: the product's docs live
// in docs/, not beside the checkout). The script is plain Node with no dependencies, so it is run as
// the coordinator and CI run it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const script = path.join(repoRoot, 'scripts/docs-citations.mjs');

// The retired document names are assembled at run time: written out, this file would cite them.
const old = (name: string): string => `${name}.md`;
const shared = (name: string): string => ['..', 'shared', old(name)].join('/');

function runScript(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tmpDirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-citations-'));
  tmpDirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

afterEach(() => {
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('document citations', () => {
  it('every document cited anywhere in the repository is a file in it', () => {
    const { status, stdout, stderr } = runScript(['--check']);
    expect(stderr).toBe('');
    expect(status, stdout).toBe(0);
  });

  it('maps product and protocol citations section for section, architecture ones to its numbered sections', () => {
    const source = [
      `// ${old('SPEC')} §2: sizes; (${old('PROTOCOL')} §2.3) and ${old('PROTOCOL')} §5 "Artwork object"`,
      `// see \`${shared('SPEC')}\`, \`${shared('PROTOCOL')}\` and \`${shared('ARCHITECTURE')}\``,
      `// ${old('ARCHITECTURE')} convention 8; ${old('ARCHITECTURE')} "Conventions" 12: logs; ${old('ARCHITECTURE')} §Conventions 5`,
      `// ${old('ARCHITECTURE')} "Shape": inbox; (${old('ARCHITECTURE')} "Benchmarks"); (${old('ARCHITECTURE')}, environment facts)`,
      `// ${old('ARCHITECTURE')} §8: jobs; ${old('ARCHITECTURE')} "Tests": e2e; ${old('ARCHITECTURE')}.`,
      `const untouched = forge.md.sha256.create(); // MY${old('SPEC')} and bench/RESULTS.md stay`,
      `-- ${'SPEC'} §4: emoji (${'SPEC'} §1, ${'PROTOCOL'} §5); ${'SPEC'}: 'kept'`,
      '',
    ].join('\n');
    const dir = tree({ 'src/a.ts': source, 'bench/RESULTS.md': '# results\n' });

    expect(runScript(['--root', dir, '--check']).status).toBe(1);
    const rewrite = runScript(['--root', dir]);
    expect(rewrite.status).toBe(0);
    expect(rewrite.stdout).toContain('rewrote 18 citation(s) in 1 file(s)');
    expect(fs.readFileSync(path.join(dir, 'src/a.ts'), 'utf8')).toBe(
      [
        '// docs/product.md §2: sizes; (docs/device-protocol.md §2.3) and docs/device-protocol.md §5 "Artwork object"',
        '// see `docs/product.md`, `docs/device-protocol.md` and `docs/architecture.md`',
        '// docs/architecture.md §3.8; docs/architecture.md §3.12: logs; docs/architecture.md §3.5',
        '// docs/architecture.md §1: inbox; (docs/architecture.md §6); (docs/architecture.md §7)',
        '// docs/architecture.md §3.8: jobs; docs/architecture.md §5: e2e; docs/architecture.md.',
        `const untouched = forge.md.sha256.create(); // MY${old('SPEC')} and bench/RESULTS.md stay`,
        "-- docs/product.md §4: emoji (docs/product.md §1, docs/device-protocol.md §5); SPEC: 'kept'",
        '',
      ].join('\n'),
    );
    // Idempotent: a second run finds nothing to change.
    expect(runScript(['--root', dir]).stdout).toContain('rewrote 0 citation(s) in 0 file(s)');
  });

  it('--check lists each dangling citation with its place and passes once the documents exist', () => {
    const dir = tree({
      'api/x.ts': `// docs/product.md §1\n// ${old('DESIGN')} look\n`,
      'README.md': 'See docs/architecture.md and /tmp/scratch.md.\n',
    });
    const failing = runScript(['--root', dir, '--check']);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain('api/x.ts:1: cites docs/product.md');
    expect(failing.stderr).toContain(`api/x.ts:2: cites ${old('DESIGN')}`);
    expect(failing.stderr).toContain('README.md:1: cites docs/architecture.md');
    expect(failing.stderr).not.toContain('scratch');

    // A bare document name is found anywhere in the tree, a path from the root or from the citing file.
    fs.mkdirSync(path.join(dir, 'docs'));
    for (const rel of ['docs/product.md', 'docs/architecture.md', `docs/${old('DESIGN')}`]) fs.writeFileSync(path.join(dir, rel), '#\n');
    expect(runScript(['--root', dir, '--check']).status).toBe(0);
  });

  it('refuses an unknown option instead of rewriting', () => {
    const result = runScript(['--chek']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option --chek');
  });
});
