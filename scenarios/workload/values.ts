// Adversarial values for the workload: names from all of Unicode (astral planes, combining marks,
// ZWJ sequences, RTL and bidi controls, noncharacters), names at the length bounds counted in code
// points and in bytes, dates at the DATE column's bounds, and bodies padded to the size limit.
// Every value is a plain string, so a history line shows exactly what was sent.
import fc from 'fast-check';
import { DATE_MAX_YEAR, DATE_MIN_YEAR, NAME_MAX_CODE_POINTS } from '../../system/shared/fields.ts';

/** Hand-picked strings that have broken real systems; each is a valid name (1..255 code points). */
export const TRICKY_NAMES: readonly string[] = [
  '😀', // astral plane: 2 UTF-16 units, 4 UTF-8 bytes, 1 code point
  '👨‍👩‍👧‍👦', // ZWJ family: 7 code points, one grapheme
  '🇫🇷🇯🇵', // regional-indicator pairs
  '👍🏽', // emoji + skin-tone modifier
  'e\u0301le\u0300ve', // combining marks (NFD)
  'élève', // the same text, NFC: must not be normalised into the other
  'שלום עולם', // RTL
  'abc\u202Edcba', // right-to-left override
  '\u200B', // zero-width space alone: not blank to String.trim? it is not whitespace
  '\uFEFFbom', // BOM at the start
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', // mathematical alphanumerics (plane 1)
  '𠜎𠜱𠝹', // CJK extension B (plane 2)
  '\u{10FFFF}\uFFFF', // the last code point and a noncharacter
  'tab\there', // a control character inside
  'O\'Brien"; DROP TABLE USER_DATA; --', // quotes and SQL
  '\\u0000 not a NUL', // an escape sequence as literal text
  '<script>alert(1)</script>',
  ' leading and trailing ', // spaces kept byte-exact (VARCHAR keeps trailing spaces)
  'ﷺ', // one code point that renders wide
  'Ａｄａ', // fullwidth
];

const ASTRAL = '𝕏'; // 4 bytes in UTF-8, 2 UTF-16 units

/** Names at the length bounds: 1, 254, 255 accepted; 256 rejected (400), in ASCII and astral. */
export const BOUNDARY_NAMES: readonly { name: string; accepted: boolean; why: string }[] = [
  { name: 'a', accepted: true, why: '1 code point' },
  { name: 'b'.repeat(NAME_MAX_CODE_POINTS - 1), accepted: true, why: '254 code points' },
  { name: 'c'.repeat(NAME_MAX_CODE_POINTS), accepted: true, why: '255 code points' },
  { name: ASTRAL.repeat(NAME_MAX_CODE_POINTS), accepted: true, why: '255 astral code points = 1020 bytes, 510 UTF-16 units' },
  { name: '😀'.repeat(NAME_MAX_CODE_POINTS - 1) + 'z', accepted: true, why: '255 code points mixing 4- and 1-byte' },
  { name: 'd'.repeat(NAME_MAX_CODE_POINTS + 1), accepted: false, why: '256 code points' },
  { name: ASTRAL.repeat(NAME_MAX_CODE_POINTS + 1), accepted: false, why: '256 astral code points' },
];

/** Names the service must refuse with 400 though the schema lets them through. */
export const INVALID_NAMES: readonly string[] = ['   ', '\t\n', 'nul\u0000inside', 'lone \uD800 surrogate', 'lone \uDC00 low'];

export const BOUNDARY_DATES: readonly { date: string; accepted: boolean }[] = [
  { date: `${DATE_MIN_YEAR}-01-01`, accepted: true },
  { date: `${DATE_MAX_YEAR}-12-31`, accepted: true },
  { date: '2024-02-29', accepted: true },
  { date: '0999-12-31', accepted: false },
  { date: '2023-02-29', accepted: false },
  { date: '2026-13-01', accepted: false },
];

/** Ordinary-looking names from all of Unicode: graphemes (incl. composed ones) and raw code points. */
const unicodeNameArb = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 16 }),
);

/**
 * A pool of valid generated names, drawn once from fast-check with the run's seed (so a run is
 * replayable), filtered to what the service accepts: not blank, no NUL, ≤ 255 code points.
 */
export function namePool(seed: number, size = 2000): string[] {
  const drawn = fc.sample(unicodeNameArb, { seed, numRuns: size });
  return drawn.filter((n) => n.trim() !== '' && !n.includes('\u0000'));
}

/** Dates inside the DATE range, and the bounds themselves. */
export function datePool(seed: number, size = 200): string[] {
  const arb = fc.date({
    min: new Date(Date.UTC(DATE_MIN_YEAR, 0, 1)),
    max: new Date(Date.UTC(DATE_MAX_YEAR, 11, 31)),
    noInvalidDate: true,
  });
  return [
    ...BOUNDARY_DATES.filter((d) => d.accepted).map((d) => d.date),
    ...fc.sample(arb, { seed, numRuns: size }).map((d) => d.toISOString().slice(0, 10)),
  ];
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The JSON body as the client sends it: padded with trailing whitespace to `padTo` bytes. */
export function encodeBody(body: unknown, padTo?: number): string {
  const json = JSON.stringify(body);
  if (padTo === undefined) return json;
  const missing = padTo - utf8Bytes(json);
  if (missing < 0) throw new Error(`body is already ${utf8Bytes(json)} bytes, cannot pad to ${padTo}`);
  return json + ' '.repeat(missing);
}
