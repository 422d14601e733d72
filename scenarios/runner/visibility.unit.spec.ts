import { describe, expect, it } from 'vitest';
import { visibilityStats } from './visibility.ts';

describe('visibility statistics', () => {
  it('reports nearest-rank percentiles of the commands that became visible, and how many were sampled', () => {
    const s = visibilityStats([30, 10, 20, 40, 1000], 6);
    expect(s).toEqual({ sampled: 6, visible: 5, p50Ms: 30, p90Ms: 1000, p99Ms: 1000, maxMs: 1000 });
  });
  it('is empty, not zero, when nothing became visible', () => {
    expect(visibilityStats([], 3)).toEqual({ sampled: 3, visible: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null });
  });
});
