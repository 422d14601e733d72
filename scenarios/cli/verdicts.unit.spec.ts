import { describe, expect, it } from 'vitest';
import { EXIT_UNKNOWN, exitCodeOf, verdictLabel } from './suiteCli.ts';

const verdict = (checkerErrors: string[] = []) => ({
  ok: false,
  found: [],
  expected: [],
  excused: [],
  unexpected: [],
  missing: [],
  checkerErrors,
});
const pass = { ok: true, verdict: { ...verdict(), ok: true } };
const fail = { ok: false, verdict: { ...verdict(), unexpected: ['lost' as const] } };
const unknown = { ok: false, verdict: verdict(['lost: boom']) };

describe('the gate: three verdicts', () => {
  it('labels a run whose checker failed UNKNOWN, apart from a system failure', () => {
    expect([pass, fail, unknown].map(verdictLabel)).toEqual(['PASS', 'FAIL', 'UNKNOWN']);
  });
  it('exits 0 when all pass, 1 on a system failure, 3 when any checker could not judge', () => {
    expect(exitCodeOf([pass, pass])).toBe(0);
    expect(exitCodeOf([pass, fail])).toBe(1);
    expect(exitCodeOf([pass, fail, unknown])).toBe(EXIT_UNKNOWN);
    expect(EXIT_UNKNOWN).toBe(3);
    expect(exitCodeOf([pass], false)).toBe(1); // e.g. the container tier failed
  });
});
