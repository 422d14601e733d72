import { describe, expect, it } from 'vitest';
import { CHECKERS, composeCheckers } from './compose.ts';
import { BASIC, healthyRun, without } from './testing.ts';
import { ANOMALY_NAMES, mergeValidity, type Checker } from './types.ts';

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

  it('a checker that throws makes the verdict unknown (not invalid, not valid) and says why', () => {
    const broken: Checker = function brokenChecker() {
      throw new Error('boom');
    };
    const r = composeCheckers([CHECKERS.lost, broken])(healthyRun(BASIC));
    expect(r.valid).toBe('unknown');
    expect(r.results[1]).toEqual({ name: 'brokenChecker', valid: 'unknown', anomalies: [], error: 'boom' });
  });

  it('an anomaly found stands beside a checker that could not judge: true < unknown < false', () => {
    const broken: Checker = () => {
      throw new Error('boom');
    };
    const input = healthyRun(BASIC);
    input.read.applied = []; // nothing reached the read model: lost
    expect(composeCheckers([CHECKERS.lost, broken])(input).valid).toBe(false);
    expect(mergeValidity([true, true])).toBe(true);
    expect(mergeValidity([true, 'unknown'])).toBe('unknown');
    expect(mergeValidity(['unknown', false, true])).toBe(false);
  });
});
