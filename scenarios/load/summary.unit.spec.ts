import { describe, expect, it } from 'vitest';
import { formatLoadResult, toLoadResult } from './summary.ts';

const hist = (p50: number, p90: number, p99: number, max: number) => ({ p50, p90, p99, max, mean: (p50 + p90) / 2 });
const result = {
  url: 'http://127.0.0.1:19011',
  duration: 10,
  requests: { sent: 1010 },
  latency: hist(20, 40, 90, 130),
  errors: 3,
  timeouts: 1,
  non2xx: 7,
  '2xx': 1000,
  statusCodeStats: { '201': { count: 1000 }, '409': { count: 2 }, '503': { count: 5 } },
} as unknown as Parameters<typeof toLoadResult>[0];

describe('toLoadResult', () => {
  const l = toLoadResult(result, { rate: 'max', durationS: 10, connections: 8 });
  it('keeps the latency percentiles and the accepted rate', () => {
    expect(l.latencyMs).toEqual({ p50: 20, p90: 40, p99: 90, max: 130, mean: 30 });
    expect(l.accepted).toBe(1000);
    expect(l.acceptedPerSecond).toBe(100);
  });
  it('counts errors by kind and non-2xx by status (2xx excluded)', () => {
    expect(l.errors).toEqual({ connection: 3, timeouts: 1, non2xx: 7, byStatus: { '409': 2, '503': 5 } });
    expect(l.requests.completed).toBe(1007);
  });
  it('is JSON-able and its text names the rate and every error class', () => {
    expect(JSON.parse(JSON.stringify(l))).toEqual(l);
    const text = formatLoadResult(l);
    expect(text).toContain('max rate');
    expect(text).toContain('p99 90');
    expect(text).toContain('409×2 503×5');
  });
});
