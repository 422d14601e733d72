import { result, type CheckInput, type CheckResult } from './types.ts';

/**
 * `slow-convergence`: read model == fold(write events) was reached later than the scenario's
 * bound after the last heal, or not at all within the quiesce window. No convergence data: no verdict.
 */
export function checkSlowConvergence(input: CheckInput): CheckResult {
  const c = input.convergence;
  if (!c) return result('slow-convergence', []);
  if (c.convergedAtMs === null)
    return result('slow-convergence', [
      { name: 'slow-convergence', message: `not converged within quiesce (bound ${c.boundMs} ms)`, data: { ...c, tookMs: null } },
    ]);
  const tookMs = Math.max(0, c.convergedAtMs - c.lastHealMs);
  if (tookMs <= c.boundMs) return result('slow-convergence', []);
  return result('slow-convergence', [
    { name: 'slow-convergence', message: `converged ${tookMs} ms after the last heal, bound ${c.boundMs} ms`, data: { ...c, tookMs } },
  ]);
}
