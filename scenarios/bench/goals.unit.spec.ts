import { describe, expect, it } from 'vitest';
import { figure, formatRatio, formatTable, ratio, verdict } from './goals.ts';

describe('ratio and verdict', () => {
  it('a min-ratio goal is met at or above the target, short below', () => {
    const g = { kind: 'min-ratio', target: 0.7 } as const;
    expect(verdict(g, 700, ratio(700, 1000))).toBe('goal met');
    expect(verdict(g, 699, ratio(699, 1000))).toBe('short');
  });
  it('a missing or zero baseline is "not measured", never "met"', () => {
    expect(ratio(10, 0)).toBeUndefined();
    expect(verdict({ kind: 'min-ratio', target: 0.5 }, 10, undefined)).toBe('not measured');
  });
  it('a max-value goal compares the figure itself', () => {
    const g = { kind: 'max-value', target: 50, unit: 'ms' } as const;
    expect(verdict(g, 50, undefined)).toBe('goal met');
    expect(verdict(g, 50.1, undefined)).toBe('short');
    expect(verdict(g, Number.NaN, undefined)).toBe('not measured');
  });
});

describe('figure', () => {
  it('computes the ratio against the baseline and the verdict', () => {
    const f = figure({
      name: 'write',
      value: 900,
      unit: 'cmd/s',
      baseline: { name: 'raw', value: 1800 },
      goal: { kind: 'min-ratio', target: 0.7 },
    });
    expect(f.ratio).toBe(0.5);
    expect(f.verdict).toBe('short');
  });
  it('without a goal there is no verdict to report', () => {
    expect(figure({ name: 'up', value: 8, unit: 's' }).verdict).toBe('no goal');
  });
});

describe('formatting', () => {
  it('prints ratios with a × and more decimals when small', () => {
    expect(formatRatio(0.7234)).toBe('0.72×');
    expect(formatRatio(0.0063)).toBe('0.006×');
    expect(formatRatio(undefined)).toBe('—');
  });
  it('the table has one row per figure, with baseline, ratio, goal and verdict', () => {
    const t = formatTable([
      figure({
        name: 'write path',
        value: 1000,
        unit: 'commands/s',
        baseline: { name: 'raw', value: 1250 },
        goal: { kind: 'min-ratio', target: 0.7 },
      }),
      figure({ name: 'e2e p99', value: 80, unit: 'ms', goal: { kind: 'max-value', target: 50, unit: 'ms' } }),
    ]).split('\n');
    expect(t).toHaveLength(4);
    expect(t[2]).toMatch(/^write path\s+1000 commands\/s\s+1250 \(raw\)\s+0\.80×\s+≥ 0\.7× raw\s+goal met$/);
    expect(t[3]).toMatch(/e2e p99\s+80 ms\s+—\s+≤ 50 ms\s+short$/);
  });
});
