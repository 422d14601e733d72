import { describe, expect, it } from 'vitest';
import { checkSlowConvergence } from './slowConvergence.ts';
import { BASIC, healthyRun } from './testing.ts';

describe('slow-convergence', () => {
  const run = (convergedAtMs: number | null) =>
    checkSlowConvergence({ ...healthyRun(BASIC), convergence: { lastHealMs: 10_000, convergedAtMs, boundMs: 5_000 } });
  it('passes within the bound, and with no convergence data', () => {
    expect(run(15_000).valid).toBe(true);
    expect(run(9_000).valid).toBe(true); // converged before the last heal
    expect(checkSlowConvergence(healthyRun(BASIC)).valid).toBe(true);
  });
  it('fails later than the bound, with how long it took', () => {
    expect(run(15_001).anomalies).toEqual([
      expect.objectContaining({ name: 'slow-convergence', data: expect.objectContaining({ tookMs: 5_001 }) }),
    ]);
  });
  it('fails when it never converged within quiesce', () => {
    expect(run(null).anomalies[0]!.message).toMatch(/not converged/);
  });
});
