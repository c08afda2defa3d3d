import { z } from 'zod';
import { opaqueText } from '../text.ts';

/**
 * Member handles (docs/product.md §1): 3–32 characters, unique ignoring case and look-alike characters.
 *
 * Shape: letters A–Z/a–z, digits, `_`, `.` and `-`; the first character is a letter or digit and the
 * last is not `.` or `-` (so a handle reads cleanly at the end of a URL or sentence). The input is
 * NFKC-normalised first, so full-width or compatibility forms (`Ｐｉｘｅｌ`) become their ASCII
 * equivalents instead of being refused.
 *
 * Uniqueness is enforced on `users.handle_canonical` (unique index), computed by `canonicalHandle`:
 * NFKC → lower-case → fold look-alikes with the table below. Two handles collide when their
 * canonical forms are equal, so `Pixel`, `p1xel`, `PIXEL` and `pixe1` are the same handle.
 *
 * | Written          | Folds to | Why                                   |
 * |------------------|----------|---------------------------------------|
 * | `rn`             | `m`      | `rn` next to each other reads as `m`  |
 * | `vv`             | `w`      | `vv` reads as `w`                     |
 * | `0`              | `o`      | zero / letter o                       |
 * | `1`, `l`         | `i`      | one / lower-case L / upper-case I     |
 * | `5`              | `s`      |                                       |
 * | `2`              | `z`      |                                       |
 * | `6`, `8`         | `b`      | six / eight / letter b (B)            |
 * | `9`              | `g`      |                                       |
 * | `-`, `.`         | `_`      | separators are easy to mistake        |
 *
 * Sequences are folded before single characters. Folding can only shorten a handle, so a handle
 * whose canonical form is under 3 characters (e.g. `rnx` → `mx`) is refused as too short.
 */
export const HANDLE_MIN = 3;
export const HANDLE_MAX = 32;

const HANDLE_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

const SEQUENCE_FOLDS: readonly [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
];
const CHARACTER_FOLDS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  l: 'i',
  '5': 's',
  '2': 'z',
  '6': 'b',
  '8': 'b',
  '9': 'g',
  '-': '_',
  '.': '_',
};

/** The form stored in `users.handle_canonical` and compared for uniqueness and look-ups. */
export function canonicalHandle(handle: string): string {
  let s = handle.normalize('NFKC').toLowerCase().normalize('NFKC');
  for (const [pattern, replacement] of SEQUENCE_FOLDS) s = s.replace(pattern, replacement);
  return Array.from(s, (c) => CHARACTER_FOLDS[c] ?? c).join('');
}

/**
 * Names nobody may take because they would impersonate the site; compared canonically, so
 * `Adm1n` is reserved too.
 */
const RESERVED = new Set(['admin', 'administrator', 'makapix', 'moderator', 'owner', 'root', 'staff', 'support', 'system'].map(canonicalHandle));

export function isReservedHandle(handle: string): boolean {
  return RESERVED.has(canonicalHandle(handle));
}

/** Request-body schema of a handle: validates the shape and yields the NFKC-normalised handle. */
export const handleSchema = opaqueText()
  .max(4 * HANDLE_MAX)
  .transform((s) => s.normalize('NFKC'))
  .pipe(
    z
      .string()
      .min(HANDLE_MIN, `A handle has at least ${HANDLE_MIN} characters`)
      .max(HANDLE_MAX, `A handle has at most ${HANDLE_MAX} characters`)
      .regex(HANDLE_PATTERN, 'A handle uses letters, digits, "_", "." and "-", starts with a letter or digit and does not end with "." or "-"')
      .refine((h) => canonicalHandle(h).length >= HANDLE_MIN, 'This handle is too short once look-alike characters are folded (e.g. "rn" counts as "m")'),
  );
