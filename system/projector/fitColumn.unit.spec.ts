import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capText, fitKey, fitText } from './fitColumn.ts';

const sha = (x: string | Buffer) => createHash('sha256').update(x).digest('hex');

describe('fitText', () => {
  it('keeps a value that fits, counting code points', () => {
    const emoji = '😀'.repeat(255); // 510 UTF-16 units, 255 code points
    expect(fitText(emoji, 255)).toBe(emoji);
    expect(fitText(null, 10)).toBeNull();
  });

  it('stores a value that does not fit as its hash and length, never a prefix of it', () => {
    const long = `corr-${'x'.repeat(3_000)}`;
    expect(fitText(long, 255)).toBe(`sha256:${sha(long)} length=3005`);
    expect(fitText(long, 255)!.length).toBeLessThanOrEqual(255);
  });
});

describe('fitKey', () => {
  it('decodes a UTF-8 key, and marks bytes that are not UTF-8 by hash and byte length', () => {
    expect(fitKey(Buffer.from('0190a0b0-0000-7000-8000-000000000001'), 255)).toBe('0190a0b0-0000-7000-8000-000000000001');
    const bytes = Buffer.from([0xff, 0xfe, 0x00]);
    expect(fitKey(bytes, 255)).toBe(`sha256:${sha(bytes)} length=3 bytes`);
    expect(fitKey(null, 255)).toBeNull();
  });
});

describe('capText', () => {
  it('says how much was cut and keeps the hash of the whole', () => {
    const msg = 'é'.repeat(70_000);
    const capped = capText(msg, 60_000);
    expect(capped.startsWith('é'.repeat(60_000))).toBe(true);
    expect(capped).toContain(`[10000 more characters; sha256:${sha(msg)}]`);
    expect(capText('short', 60_000)).toBe('short');
  });
});
