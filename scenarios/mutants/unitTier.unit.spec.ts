import { describe, expect, it } from 'vitest';
import { unitVerdict } from './unitTier.ts';

const root = '/tmp/scratch';
const file = (name: string, ...statuses: string[]) => ({
  name: `${root}/${name}`,
  assertionResults: statuses.map((status, i) => ({ status, fullName: `case ${i}` })),
});

describe('unit tier verdict', () => {
  it('kills on a failing assertion, naming the spec and test relative to the copy', () => {
    expect(unitVerdict({ testResults: [file('a.unit.spec.ts', 'passed', 'failed')] }, root, 1)).toEqual({
      status: 'killed',
      failed: ['a.unit.spec.ts › case 1'],
    });
  });

  it('passes only when every test passed and vitest exited 0', () => {
    expect(unitVerdict({ testResults: [file('a.unit.spec.ts', 'passed')] }, root, 0).status).toBe('passed');
  });

  it('is an error, not a pass, when vitest failed without a failing test or wrote nothing', () => {
    expect(unitVerdict({ testResults: [file('a.unit.spec.ts', 'passed')] }, root, 1).status).toBe('error');
    expect(unitVerdict(undefined, root, null)).toMatchObject({ status: 'error', detail: expect.stringContaining('no JSON report') });
  });
});
