import { describe, expect, it } from 'vitest';
import { checkDuplicated } from './duplicated.ts';
import { BASIC, healthyRun } from './testing.ts';

describe('duplicated', () => {
  it('passes a healthy run', () => {
    expect(checkDuplicated(healthyRun(BASIC)).valid).toBe(true);
  });

  it('finds an event applied twice (offset rewind) with where it was applied', () => {
    const input = healthyRun(BASIC);
    const again = { ...input.read.applied[0]!, offset: '99', appliedAt: 'later' };
    input.read.applied = [...input.read.applied, again];
    input.read.users.find((u) => u.idUserData === 'a')!.appliedCount += 1;
    const r = checkDuplicated(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1); // the count is explained by the log: not reported twice
    expect(r.anomalies[0]).toMatchObject({
      streamId: 'a',
      eventId: 'e-a-1',
      versions: [1, 1],
      data: { count: 2, evidence: 'applied-log' },
    });
    expect((r.anomalies[0]!.data!.at as unknown[]).length).toBe(2);
  });

  it('finds an APPLIED_COUNT above the distinct applied events', () => {
    const input = healthyRun(BASIC);
    input.read.users.find((u) => u.idUserData === 'b')!.appliedCount = 3;
    expect(checkDuplicated(input).anomalies).toEqual([
      expect.objectContaining({ streamId: 'b', data: { appliedCount: 3, distinctApplied: 2, evidence: 'applied-count' } }),
    ]);
  });
});
