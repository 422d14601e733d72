import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTarget } from '../environment/targets.ts';
import { validateSchedule } from '../faults/schedule.ts';
import type { Fault, FaultSchedule } from '../faults/types.ts';
import {
  BROKER_KINDS,
  dropRewindsOverProjectors,
  HORIZON_MS,
  INSTANCE_KINDS,
  INSTANCE_TARGETS,
  REWIND_HOLD_MS,
  scaleOutSchedule,
  scaleOutScheduleArb,
} from './scaleOutSchedule.ts';

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);
const schedules = SEEDS.map((seed) => ({ seed, s: scaleOutSchedule(seed) }));
const isBroker = (f: Fault) => (BROKER_KINDS as readonly string[]).includes(f.fault);
const isInstance = (f: Fault) => (INSTANCE_KINDS as readonly string[]).includes(f.fault);

/** The schedule fast-check's search runs first for a seed (what `--seed N` of a search scenario plays). */
function searchedFirst(seed: number): FaultSchedule {
  let first: FaultSchedule | undefined;
  fc.check(
    fc.property(scaleOutScheduleArb, (s) => {
      first ??= s;
      return true;
    }),
    { seed, numRuns: 1 },
  );
  return first!;
}

describe('random-scale-out schedules', () => {
  it('are valid over 300 seeds: known kinds, targets and params, within the horizon, no two faults on one process or link at once', () => {
    for (const { seed, s } of schedules) {
      const r = validateSchedule(s, { horizonMs: HORIZON_MS });
      expect(r.ok ? [] : r.errors, `seed ${seed}`).toEqual([]);
    }
  });

  it('are replayable: a seed names one schedule, the one the search plays first for it', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      expect(scaleOutSchedule(seed)).toEqual(scaleOutSchedule(seed));
      expect(searchedFirst(seed)).toEqual(scaleOutSchedule(seed));
    }
    expect(new Set(schedules.map(({ s }) => JSON.stringify(s))).size).toBeGreaterThan(290); // the seed does decide
  });

  it('fault the cluster and an instance in every schedule, and cover every broker and instance kind and instance over 300 seeds', () => {
    for (const { seed, s } of schedules) {
      expect(s.some(isBroker), `seed ${seed}: a broker role fault`).toBe(true);
      expect(s.some(isInstance), `seed ${seed}: an instance fault`).toBe(true);
    }
    const all = schedules.flatMap(({ s }) => s);
    const kinds = new Set<string>(all.map((f) => f.fault));
    for (const k of [...BROKER_KINDS, ...INSTANCE_KINDS, 'lost-ack', 'duplicate', 'down', 'timeout']) expect(kinds.has(k), k).toBe(true);
    const instanceTargets = new Set(all.filter(isInstance).map((f) => f.target));
    expect([...instanceTargets].sort()).toEqual([...INSTANCE_TARGETS].sort());
    const crashed = new Set(all.filter((f) => f.fault === 'crash-point').map((f) => f.target));
    expect([...crashed].sort()).toEqual([...INSTANCE_TARGETS].sort());
    const roles = new Set(all.filter((f) => f.fault === 'cut-replication').map((f) => (f.params as { role: string }).role));
    expect([...roles].sort()).toEqual(['follower', 'leader']);
    expect(new Set(all.filter((f) => f.fault === 'duplicate').map((f) => f.target))).toEqual(new Set(['projector', 'relay']));
  });

  it('draw instance faults on relay and projector instances only, never on brokers, databases or the command service', () => {
    for (const f of schedules.flatMap(({ s }) => s).filter(isInstance)) {
      expect(isTarget(f.target)).toBe(true);
      expect(f.target).toMatch(/^(relay|projector)(#\d)?$/);
    }
  });

  it('never rewind the group while a process fault holds one of its members', () => {
    for (const { s } of schedules)
      for (const r of s.filter((f) => f.fault === 'duplicate' && f.target === 'projector'))
        for (const g of s.filter((f) => isInstance(f) && f.target.startsWith('projector')))
          expect(g.at > r.at + REWIND_HOLD_MS || g.at + g.duration < r.at).toBe(true);
  });

  it('drops a rewind whose hold overlaps a fault on any projector instance, and keeps one clear of them', () => {
    const rewind: Fault = { at: 1_000, fault: 'duplicate', target: 'projector', duration: 0, params: { count: 5 } };
    const killLate: Fault = { at: 1_000 + REWIND_HOLD_MS - 1, fault: 'kill', target: 'projector#3', duration: 500, params: {} };
    const pauseBefore: Fault = { at: 0, fault: 'pause', target: 'projector#2', duration: 1_000, params: {} };
    const relayKill: Fault = { at: 1_500, fault: 'kill', target: 'relay#2', duration: 500, params: {} };
    expect(dropRewindsOverProjectors([rewind, killLate])).toEqual([killLate]);
    expect(dropRewindsOverProjectors([pauseBefore, rewind])).toEqual([pauseBefore]);
    expect(dropRewindsOverProjectors([rewind, relayKill])).toEqual([rewind, relayKill]);
    const clear = { ...killLate, at: 1_000 + REWIND_HOLD_MS + 1 };
    expect(dropRewindsOverProjectors([rewind, clear])).toEqual([rewind, clear]);
  });

  it('shrinks a failing schedule towards the breaking fault at its mildest, beside one broker fault', () => {
    // pretend the system breaks whenever projector#2 is killed
    const breaks = (s: FaultSchedule) => s.some((f) => f.fault === 'kill' && f.target === 'projector#2');
    const r = fc.check(
      fc.property(scaleOutScheduleArb, (s) => !breaks(s)),
      { seed: 7, numRuns: 1_000 },
    );
    expect(r.failed).toBe(true);
    const minimal = r.counterexample![0];
    expect(minimal.length).toBeLessThanOrEqual(3);
    expect(minimal.filter(isBroker)).toEqual([
      { at: 0, fault: 'kill-leader', target: 'user-events', duration: 2_000, params: { rank: 1 } },
    ]);
    expect(minimal).toContainEqual({ at: 0, fault: 'kill', target: 'projector#2', duration: 500, params: {} });
  });
});
