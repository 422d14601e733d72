import { describe, expect, it } from 'vitest';
import { FaultScheduleError, conflict, parseSchedule, scheduleEnd, validateSchedule } from './schedule.ts';
import type { Fault } from './types.ts';

const kill: Fault = { at: 1_000, fault: 'kill', target: 'relay', duration: 2_000, params: {} };
const lat: Fault = { at: 0, fault: 'latency', target: 'projector-db', duration: 5_000, params: { latencyMs: 200, jitterMs: 50 } };

describe('validateSchedule', () => {
  it('accepts a valid schedule, sorted by at', () => {
    const r = validateSchedule([kill, lat, { at: 500, fault: 'poison', target: 'user-events', duration: 0, params: { case: 'garbage' } }]);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.schedule.map((f) => f.at)).toEqual([0, 500, 1_000]);
  });

  it('fills an absent params with {}', () => {
    expect(parseSchedule([{ at: 0, fault: 'down', target: 'relay-kafka', duration: 10 }])[0]!.params).toEqual({});
  });

  it.each([
    [{ ...kill, target: 'relay-db' }, /target of kill must be one of command-service, relay/],
    [{ ...lat, target: 'relay' }, /target of latency must be one of client-command/],
    [{ ...kill, fault: 'explode' }, /fault must be one of down, latency/],
    [{ ...kill, at: -1 }, /at must be an integer ≥ 0/],
    [{ ...kill, duration: 1.5 }, /duration must be an integer/],
    [{ ...lat, duration: 0 }, /latency needs a duration > 0/],
    [{ ...kill, fault: 'restart', duration: 10 }, /restart is instantaneous: duration must be 0/],
    [{ ...lat, params: { latency: 100 } }, /unknown param "latency" for latency; accepted: latencyMs, jitterMs, stream, toxicity/],
    [{ ...lat, params: {} }, /params.latencyMs is required/],
    [{ ...lat, params: { latencyMs: 10, stream: 'sideways' } }, /params.stream must be one of upstream, downstream, both/],
    [{ ...lat, params: { latencyMs: 10, toxicity: 2 } }, /params.toxicity must be a number in \[0, 1\]/],
    [
      { at: 0, fault: 'slicer', target: 'query-db', duration: 10, params: { averageSize: 10, sizeVariation: 10 } },
      /sizeVariation must be smaller/,
    ],
    [
      { at: 0, fault: 'poison', target: 'user-events', duration: 0, params: { case: 'nope' } },
      /unknown poison case "nope"; known: garbage/,
    ],
    [{ ...kill, when: 3 }, /unknown field "when"/],
    ['kill relay', /must be an object/],
  ])('rejects %o with a clear message', (fault, message) => {
    const r = validateSchedule([fault]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(message);
  });

  it('names the fault in every message and reports all problems at once', () => {
    const r = validateSchedule([{ ...kill, at: -5, duration: -1 }]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(2);
      expect(r.errors.every((e) => e.startsWith('faults[0] (kill relay)'))).toBe(true);
    }
  });

  it('rejects overlapping process faults and same-kind toxics on one link; allows different links/kinds', () => {
    const r = validateSchedule([kill, { at: 2_500, fault: 'pause', target: 'relay', duration: 100, params: {} }]);
    expect(r.ok ? [] : r.errors).toEqual([
      expect.stringMatching(/faults\[0\] and faults\[1\]: kill relay at 1000 ms for 2000 ms overlaps pause relay/),
    ]);
    expect(validateSchedule([lat, { ...lat, at: 4_000 }]).ok).toBe(false);
    expect(validateSchedule([lat, { ...lat, target: 'query-db' }]).ok).toBe(true);
    expect(validateSchedule([lat, { at: 0, fault: 'down', target: 'projector-db', duration: 10, params: {} }]).ok).toBe(true);
    expect(validateSchedule([kill, { ...kill, at: 3_001 }]).ok).toBe(true);
  });

  it('checks the horizon and custom poison cases', () => {
    expect(validateSchedule([kill], { horizonMs: 2_999 }).ok).toBe(false);
    expect(validateSchedule([kill], { horizonMs: 3_000 }).ok).toBe(true);
    expect(
      validateSchedule([{ at: 0, fault: 'poison', target: 'user-events', duration: 0, params: { case: 'mine' } }], {
        poisonCases: ['mine'],
      }).ok,
    ).toBe(true);
  });

  it('parseSchedule throws a FaultScheduleError listing the errors', () => {
    expect(() => parseSchedule({})).toThrow(FaultScheduleError);
    const e = (() => {
      try {
        parseSchedule([{ ...kill, at: -1 }]);
      } catch (err) {
        return err as FaultScheduleError;
      }
      throw new Error('parseSchedule accepted an invalid schedule');
    })();
    expect(e.errors).toHaveLength(1);
    expect(e.message).toMatch(/invalid fault schedule:\n {2}- faults\[0\]/);
  });
});

describe('conflict / scheduleEnd', () => {
  it('is symmetric and null for different targets', () => {
    const p: Fault = { at: 2_000, fault: 'restart', target: 'relay', duration: 0, params: {} };
    expect(conflict(kill, p)).not.toBeNull();
    expect(conflict(p, kill)).not.toBeNull();
    expect(conflict(kill, { ...p, target: 'projector' })).toBeNull();
  });
  it('is when the last fault heals', () => {
    expect(scheduleEnd([kill, lat])).toBe(5_000);
    expect(scheduleEnd([])).toBe(0);
  });
});
