import { readFile, writeFile } from 'node:fs/promises';

/**
 * bench/RESULTS.md holds one `## ` section per benchmark (plus hand-written analysis sections after
 * them). Each benchmark replaces only its own section — found by the section's first line — or
 * appends it, so running one benchmark never erases another's results.
 */
export async function writeResultsSection(file: string, section: string): Promise<void> {
  const title = section.slice(0, section.indexOf('\n') === -1 ? undefined : section.indexOf('\n'));
  if (!title.startsWith('## ')) throw new Error(`a results section starts with a "## " title, not ${JSON.stringify(title)}`);
  const current = await readFile(file, 'utf8').catch(() => '# Benchmark results\n');
  const start = current.indexOf(`${title}\n`);
  let next: string;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const after = current.slice(start + title.length);
    const end = after.search(/^## /m);
    const rest = end === -1 ? '' : after.slice(end);
    next = `${current.slice(0, start)}${section}${rest ? `\n${rest}` : ''}`;
  }
  await writeFile(file, next.endsWith('\n') ? next : `${next}\n`);
}
