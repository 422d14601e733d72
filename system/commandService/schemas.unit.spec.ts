// The HTTP schema (compiled by the server's own ajv) and the domain rules (system/shared/fields.ts)
// must accept exactly the same names and dates: anything the API lets through is stored as is,
// anything it refuses is refused for the same reason by both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateProblem, nameProblem, NAME_MAX_CODE_POINTS } from '../shared/fields.ts';
import { makeBodyAjv } from '../shared/httpServer.ts';
import { registerSchema, renameSchema } from './schemas.ts';

const ajv = makeBodyAjv();
const validRegister = ajv.compile(registerSchema.body);
const validRename = ajv.compile(renameSchema.body);
const schemaAccepts = (name: string) => validRename({ name });

// Pieces chosen to hit every rule: astral emoji, ZWJ sequences, combining marks, RTL text and
// controls, every kind of whitespace, NUL and both halves of a surrogate pair standing alone.
const piece = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
  fc.constantFrom('😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', 'e\u0301', 'ñ', '\u05E9\u05DC\u05D5\u05DD', '\u202E', '\u200F', 'مرحبا', '𝔘𝔫𝔦', '\u{10FFFF}'),
  fc.constantFrom(' ', '\t', '\n', '\u00A0', '\u3000', '\uFEFF', '\u2028'),
  fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'),
);
const anyName = fc.array(piece, { minLength: 0, maxLength: 12 }).map((p) => p.join(''));
/** A string of exactly n code points, drawn from one repeated unit (astral or BMP). */
const ofLength = (n: number) => fc.constantFrom('a', '😀', 'é', 'ש', '\u{1F468}').map((u) => u.repeat(n));

describe('HTTP schema and nameProblem agree', () => {
  it('on arbitrary full-Unicode names', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        expect(schemaAccepts(name)).toBe(nameProblem(name) === undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([1, 254, 255, 256])('at %i code points (astral or BMP)', (n) => {
    fc.assert(
      fc.property(ofLength(n), (name) => {
        const expected = n <= NAME_MAX_CODE_POINTS;
        expect(nameProblem(name) === undefined).toBe(expected);
        expect(schemaAccepts(name)).toBe(expected);
      }),
    );
  });

  it('counts code points, not UTF-16 units or graphemes: 255 emoji pass, 256 do not', () => {
    expect(schemaAccepts('😀'.repeat(255))).toBe(true);
    expect('😀'.repeat(255).length).toBe(510);
    expect(schemaAccepts('😀'.repeat(256))).toBe(false);
    // one grapheme, seven code points: counted as seven
    expect(nameProblem('👩‍👩‍👧‍👦'.repeat(36) + 'abcd')).toContain('got 256');
    expect(schemaAccepts('👩‍👩‍👧‍👦'.repeat(36) + 'abcd')).toBe(false);
  });

  it.each([
    ['blank', ' \t\u3000'],
    ['NUL', 'a\u0000'],
    ['lone high surrogate', 'a\uD800'],
    ['lone low surrogate', '\uDC00a'],
    ['empty', ''],
  ])('both refuse a name that is %s', (_label, name) => {
    expect(nameProblem(name)).toBeDefined();
    expect(schemaAccepts(name)).toBe(false);
  });
});

describe('HTTP schema and dateProblem agree', () => {
  const date = fc
    .tuple(fc.integer({ min: 0, max: 10_050 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  it('on arbitrary YYYY-MM-DD shaped strings and noise', () => {
    fc.assert(
      fc.property(fc.oneof(date, fc.string({ maxLength: 12 })), (d) => {
        expect(validRegister({ name: 'x', dateRegister: d })).toBe(dateProblem(d) === undefined);
      }),
      { numRuns: 3000 },
    );
  });
  it.each([
    ['0999-12-31', false],
    ['1000-01-01', true],
    ['9999-12-31', true],
    ['2024-02-29', true],
    ['2023-02-29', false],
  ])('%s accepted: %s', (d, ok) => {
    expect(dateProblem(d) === undefined).toBe(ok);
    expect(validRegister({ name: 'x', dateRegister: d })).toBe(ok);
  });
});
