import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTP_ERROR_STATUS, type HttpErrorCode, httpErrorAllows } from '@makapix/protocol';
import { describe, expect, it } from 'vitest';

// The typecheck already refuses an AppError whose code is not in the protocol's table; this scan
// is the second net: it reads every error the api source builds from a literal code and checks the
// code is in the table with the status the factory answers.

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The top-level arguments of the call whose `(` is at `open`, as source text. */
function callArgs(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args.filter((a) => a !== '');
      }
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error('unbalanced call');
}

// Which argument holds the code, and the status each factory answers with (errors.ts).
const FACTORIES: Record<string, { arg: number; status: number | 'table' }> = {
  'new AppError': { arg: 0, status: 'table' },
  'errors.badRequest': { arg: 0, status: 400 },
  'errors.unauthorized': { arg: 1, status: 401 },
  'errors.forbidden': { arg: 1, status: 403 },
  'errors.notFound': { arg: 1, status: 404 },
  'errors.conflict': { arg: 0, status: 409 },
};

interface Emitted {
  code: string;
  status: number | 'table';
  where: string;
}

function emittedCodes(): Emitted[] {
  const found: Emitted[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const where = path.relative(SRC, file);
    for (const match of text.matchAll(/(new AppError|errors\.[a-zA-Z]+)\(/g)) {
      const factory = FACTORIES[match[1]!];
      if (!factory) continue;
      const arg = callArgs(text, match.index + match[0].length - 1)[factory.arg];
      const literal = arg?.match(/^'([a-z_]+)'$/);
      if (literal) found.push({ code: literal[1]!, status: factory.status, where });
    }
    // Envelopes written directly (the error handler) and its code maps.
    for (const match of text.matchAll(/code: '([a-z_]+)', message/g)) found.push({ code: match[1]!, status: 'table', where });
    for (const match of text.matchAll(/^\s+(?:FST_ERR_[A-Z_]+|\d{3}): '([a-z_]+)',$/gm)) found.push({ code: match[1]!, status: 'table', where });
  }
  return found;
}

describe('the api’s error codes', () => {
  const emitted = emittedCodes();

  it('finds the codes the api builds, across factories, AppError and the error handler', () => {
    const codes = new Set(emitted.map((e) => e.code));
    for (const code of ['storage_full', 'credentials_delivered', 'invalid_json', 'handle_taken', 'invalid_token', 'not_found', 'payload_too_large']) {
      expect(codes).toContain(code);
    }
  });

  it('are all in the protocol’s typed table, with the status the api answers', () => {
    const problems = emitted.flatMap((e) => {
      if (!(e.code in HTTP_ERROR_STATUS)) return [`${e.where}: ${e.code} is not in HTTP_ERROR_STATUS`];
      if (e.status !== 'table' && !httpErrorAllows(e.code as HttpErrorCode, e.status)) {
        return [`${e.where}: ${e.code} is answered ${e.status}, the table says ${HTTP_ERROR_STATUS[e.code as HttpErrorCode]}`];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });
});
