import { describe, expect, it } from 'vitest';
import type { ReadEntry } from '../history/types.ts';
import { checkStaleRead } from './staleRead.ts';
import { BASIC, healthyRun } from './testing.ts';

let t = 0;
const read = (reader: number, userId: string, status: number, version?: number, deleted?: boolean): ReadEntry => ({
  type: 'read',
  reader,
  userId,
  status,
  ...(version !== undefined ? { version } : {}),
  ...(deleted !== undefined ? { deleted } : {}),
  t: { ms: (t += 10), wall: '' },
});
const check = (reads: ReadEntry[]) => checkStaleRead({ ...healthyRun(BASIC), reads });

describe('stale-read (monotonic reads)', () => {
  it('passes reads that only move forward: 404 before the register arrives, then rising versions, repeats, errors', () => {
    const r = check([
      read(0, 'a', 404),
      read(0, 'a', 200, 1),
      read(0, 'a', 200, 1),
      read(0, 'a', 503),
      read(0, 'a', 200, 3),
      read(0, 'a', 200, 4, true),
    ]);
    expect(r.valid).toBe(true);
    expect(check([]).valid).toBe(true);
    expect(checkStaleRead(healthyRun(BASIC)).valid).toBe(true); // no reads sampled: no verdict
  });

  it('finds a version going back for one reader (an older event applied over newer state), once per session', () => {
    const r = check([read(0, 'a', 200, 2), read(0, 'a', 200, 5), read(0, 'a', 200, 3), read(0, 'a', 200, 4), read(0, 'a', 200, 6)]);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'stale-read',
        streamId: 'a',
        versions: [5, 3],
        data: expect.objectContaining({ reader: 0, regressions: 2 }),
      }),
    ]);
  });

  it('finds a user found and then 404, and a deleted user live again at the same version', () => {
    const r = check([read(1, 'a', 200, 1), read(1, 'a', 404), read(2, 'b', 200, 2, true), read(2, 'b', 200, 2, false)]);
    expect(r.anomalies.map((a) => a.message)).toEqual([
      expect.stringMatching(/found at v1, then 404/),
      expect.stringMatching(/deleted at v2, then live/),
    ]);
  });

  it('judges each reader alone: two readers may see different moments', () => {
    expect(check([read(0, 'a', 200, 5), read(1, 'a', 200, 3)]).valid).toBe(true);
  });

  it('orders by arrival time, not by position in the history', () => {
    const v5 = read(0, 'a', 200, 5);
    const v3 = read(0, 'a', 200, 3); // arrived after v5: a regression
    expect(check([v5, v3]).valid).toBe(false);
    v3.t = { ms: v5.t.ms - 1, wall: '' }; // recorded later, but its answer came first
    expect(check([v5, v3]).valid).toBe(true);
  });
});
