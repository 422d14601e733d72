import { describe, expect, it } from 'vitest';
import { per1000, percentile, perSecond, summarize } from './stats.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it('picks the value at rank ceil(p/100 × n)', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30], 90)).toBe(30);
  });
  it('p0 is the minimum; an empty list has no percentile', () => {
    expect(percentile([3, 4], 0)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts before ranking and reports the max', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toEqual({ count: 5, p50: 3, p90: 5, p99: 5, max: 5 });
  });
  it('a single slow outlier shows in p99 but not p50', () => {
    const s = summarize([...Array.from({ length: 99 }, () => 10), 900]);
    expect(s.p50).toBe(10);
    expect(s.p99).toBe(10);
    expect(s.max).toBe(900);
  });
});

describe('perSecond', () => {
  it('scales counts over milliseconds', () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(perSecond(0, 1000)).toBe(0);
    expect(perSecond(10, 0)).toBe(0);
  });
});

describe('per1000', () => {
  it('scales each cost to 1,000 units', () => expect(per1000({ relay: 0.5, db: 2 }, 500)).toEqual({ relay: 1, db: 4 }));
  it('refuses no work rather than dividing by it', () => expect(() => per1000({ relay: 1 }, 0)).toThrow(/no work measured/));
});
