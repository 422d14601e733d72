import { describe, expect, it } from 'vitest';
import { BOUNDARY_NAMES, INVALID_NAMES, TRICKY_NAMES, datePool, encodeBody, namePool, utf8Bytes } from './values.ts';

const codePoints = (s: string) => Array.from(s).length;

describe('adversarial values', () => {
  it('boundary names sit exactly on 1, 254, 255 and 256 code points, in ASCII and astral', () => {
    expect(BOUNDARY_NAMES.map((b) => [codePoints(b.name), b.accepted])).toEqual([
      [1, true],
      [254, true],
      [255, true],
      [255, true],
      [255, true],
      [256, false],
      [256, false],
    ]);
    const astral = BOUNDARY_NAMES[3]!.name;
    expect([astral.length, utf8Bytes(astral)]).toEqual([510, 1020]); // 255 code points, 510 UTF-16 units, 1020 bytes
  });

  it('tricky names are valid (1..255 code points, not blank, no NUL) and cover astral, ZWJ, combining, RTL', () => {
    for (const n of TRICKY_NAMES) {
      expect(codePoints(n)).toBeGreaterThanOrEqual(1);
      expect(n.trim()).not.toBe('');
      expect(n).not.toContain('\u0000');
    }
    expect(TRICKY_NAMES.some((n) => /[\u{10000}-\u{10FFFF}]/u.test(n))).toBe(true);
    expect(TRICKY_NAMES.some((n) => n.includes('\u200D'))).toBe(true);
    expect(TRICKY_NAMES.some((n) => /\p{M}/u.test(n))).toBe(true);
    expect(TRICKY_NAMES.some((n) => /[\u0590-\u05FF]/.test(n))).toBe(true);
    expect(INVALID_NAMES.every((n) => n.trim() === '' || n.includes('\u0000') || /[\uD800-\uDFFF]/.test(n))).toBe(true);
  });

  it('the name pool is seeded, valid, and reaches beyond the BMP', () => {
    const a = namePool(5, 500);
    expect(namePool(5, 500)).toEqual(a);
    expect(a.length).toBeGreaterThan(400);
    expect(a.every((n) => n.trim() !== '' && codePoints(n) <= 255 && !n.includes('\u0000'))).toBe(true);
    expect(a.some((n) => /[\u{10000}-\u{10FFFF}]/u.test(n))).toBe(true);
    expect(datePool(5, 50)).toEqual(expect.arrayContaining(['1000-01-01', '9999-12-31']));
  });

  it('pads a JSON body with whitespace to an exact byte count', () => {
    const body = encodeBody({ name: 'ü' }, 64);
    expect(utf8Bytes(body)).toBe(64);
    expect(JSON.parse(body)).toEqual({ name: 'ü' });
    expect(encodeBody({ a: 1 })).toBe('{"a":1}');
  });
});
