import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropConflicts, faultArb, faultScheduleArb } from './arbitraries.ts';
import { validateSchedule } from './schedule.ts';
import { RANDOM_FAULTS } from './registry.ts';
import type { Fault } from './types.ts';

const opts = { horizonMs: 30_000, maxFaults: 8 };

describe('fault arbitraries', () => {
  it('every generated schedule validates, within the horizon', () => {
    fc.assert(
      fc.property(faultScheduleArb(opts), (s) => {
        const r = validateSchedule(s, { horizonMs: opts.horizonMs });
        expect(r.ok ? [] : r.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('generates every kind of every family that random schedules may draw', () => {
    const kinds = new Set(fc.sample(faultArb(opts), { numRuns: 1_000, seed: 1 }).map((f) => f.fault));
    expect([...kinds].sort()).toEqual([...RANDOM_FAULTS].sort());
    for (const k of ['lost-ack', 'crash-point', 'stale', 'reversed-pair']) expect(kinds.has(k as Fault['fault'])).toBe(true);
  });

  it('draws crash points only in the process that holds them', () => {
    fc.assert(
      fc.property(faultScheduleArb({ ...opts, kinds: ['crash-point'] }), (s) =>
        s.every((f) => String((f.params as { point: string }).point).startsWith(`${f.target.replace(/#\d+$/, '')}.`)),
      ),
    );
  });

  it('respects kinds and targets restrictions', () => {
    fc.assert(
      fc.property(faultScheduleArb({ ...opts, kinds: ['kill', 'pause'], processTargets: ['projector'] }), (s) =>
        s.every((f) => (f.fault === 'kill' || f.fault === 'pause') && f.target === 'projector'),
      ),
    );
  });

  it('shrinks a failing schedule to the one minimal fault that causes it', () => {
    // pretend the system breaks whenever the projector is killed
    const breaks = (s: Fault[]) => s.some((f) => f.fault === 'kill' && f.target === 'projector');
    const r = fc.check(
      fc.property(faultScheduleArb(opts), (s) => !breaks(s)),
      { seed: 42, numRuns: 1_000 },
    );
    expect(r.failed).toBe(true);
    expect(r.counterexample?.[0]).toEqual([{ at: 0, fault: 'kill', target: 'projector', duration: 100, params: {} }]);
  });

  it('dropConflicts keeps the first of two conflicting faults', () => {
    const a: Fault = { at: 0, fault: 'pause', target: 'relay', duration: 1_000, params: {} };
    const b: Fault = { at: 500, fault: 'kill', target: 'relay', duration: 1_000, params: {} };
    expect(dropConflicts([b, a])).toEqual([b]);
  });
});
