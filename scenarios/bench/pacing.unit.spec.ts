import { describe, expect, it } from 'vitest';
import { sampleEvery, sendSchedule } from './pacing.ts';

describe('sendSchedule', () => {
  it('spaces rate × duration sends evenly, never in bursts', () => {
    const s = sendSchedule(200, 2);
    expect(s).toHaveLength(400);
    expect(s[0]).toBe(0);
    expect(s[1]).toBe(5);
    expect(s[399]).toBe(1995);
    const gaps = s.slice(1).map((t, i) => t - s[i]!);
    expect(Math.min(...gaps)).toBeCloseTo(5);
  });
  it('no rate or no time → nothing to send', () => {
    expect(sendSchedule(0, 10)).toEqual([]);
    expect(sendSchedule(10, 0)).toEqual([]);
  });
});

describe('sampleEvery', () => {
  it('probes about the asked number per second, at least every command', () => {
    expect(sampleEvery(500, 25)).toBe(20);
    expect(sampleEvery(10, 25)).toBe(1);
  });
});
