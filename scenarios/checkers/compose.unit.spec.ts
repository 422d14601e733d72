import { describe, expect, it } from 'vitest';
import { CHECKERS, composeCheckers } from './compose.ts';
import { BASIC, healthyRun, without } from './testing.ts';
import { ANOMALY_NAMES, type Checker } from './types.ts';

describe('composeCheckers', () => {
  it('has one checker per anomaly name, each named for it', () => {
    expect(Object.keys(CHECKERS).sort()).toEqual([...ANOMALY_NAMES].sort());
    const input = healthyRun(BASIC);
    for (const [name, check] of Object.entries(CHECKERS)) expect(check(input).name).toBe(name);
  });

  it('a healthy run is valid under all checkers', () => {
    const r = composeCheckers()(healthyRun(BASIC));
    expect(r.valid).toBe(true);
    expect(r.results).toHaveLength(ANOMALY_NAMES.length);
  });

  it('merges anomalies: a lost event also shows as diverged', () => {
    const input = healthyRun(BASIC);
    input.read.applied = without(input.read.applied, (x) => x.eventId === 'e-b-2');
    Object.assign(
      input.read.users.find((u) => u.idUserData === 'b')!,
      { deleted: false, version: 1, appliedCount: 1 },
    );
    const r = composeCheckers()(input);
    expect(r.valid).toBe(false);
    expect([...new Set(r.anomalies.map((a) => a.name))]).toEqual(['lost', 'diverged']);
  });

  it('a checker that throws makes the verdict invalid and says why', () => {
    const broken: Checker = function brokenChecker() {
      throw new Error('boom');
    };
    const r = composeCheckers([CHECKERS.lost, broken])(healthyRun(BASIC));
    expect(r.valid).toBe(false);
    expect(r.results[1]).toEqual({ name: 'brokenChecker', valid: false, anomalies: [], error: 'boom' });
  });
});
