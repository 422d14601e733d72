import { describe, expect, it } from 'vitest';
import type { FaultWindow } from '../history/types.ts';
import { scheduleDrift } from './drift.ts';

const w = (faultId: number, start: number, stop: number | null, fault = 'down'): FaultWindow => ({
  faultId,
  fault,
  target: 'projector-db',
  start: { ms: start, wall: '' },
  stop: stop === null ? null : { ms: stop, wall: '' },
});

describe('schedule drift', () => {
  const schedule = [
    { at: 500, duration: 1500 },
    { at: 2000, duration: 2500 },
    { at: 6000, duration: 2000 },
  ];

  it('is small when the windows were played as scheduled (whatever the schedule started at)', () => {
    const d = scheduleDrift(schedule, [w(0, 10_500, 12_010), w(1, 12_020, 14_530), w(2, 16_000, 18_040)]);
    expect(d.maxMs).toBeLessThan(100);
  });

  it('names a window held longer than scheduled and one that started late', () => {
    // An overloaded run: the second window held 4.4 s instead of 2.5 s, the third started 0.8 s late.
    const d = scheduleDrift(schedule, [w(0, 10_500, 12_000), w(1, 12_000, 16_400), w(2, 16_800, 18_800)]);
    expect(d.maxMs).toBe(1900);
    expect(d.worst).toBe('fault 1 (down projector-db) held 4.4 s instead of 2.5 s');
    const late = scheduleDrift(schedule, [w(0, 10_500, 12_000), w(1, 12_000, 14_500), w(2, 18_000, 20_000)]);
    expect(late.worst).toBe('fault 2 (down projector-db) started 2.0 s late');
  });

  it('leaves out faults whose heal waits (a restart), so their windows neither drift nor shift the others', () => {
    const kill = { ...w(1, 12_000, 27_000), fault: 'kill', target: 'projector' };
    const d = scheduleDrift(schedule, [w(0, 10_500, 12_000), kill, w(2, 16_000, 18_000)], (f) => f !== 'kill');
    expect(d.maxMs).toBe(0);
  });

  it('counts only the start of an instant fault, and nothing without windows', () => {
    expect(scheduleDrift([{ at: 0, duration: 0 }], [w(0, 100, 100, 'duplicate')]).maxMs).toBe(0);
    expect(scheduleDrift(schedule, [])).toEqual({ maxMs: 0 });
  });
});
