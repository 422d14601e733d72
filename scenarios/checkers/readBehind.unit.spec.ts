import { describe, expect, it } from 'vitest';
import type { ReadEntry } from '../history/types.ts';
import { checkReadBehind } from './readBehind.ts';
import { checkStaleRead } from './staleRead.ts';
import { BASIC, healthyRun } from './testing.ts';

/** A read sent at `sentMs` and answered at `atMs`. */
const read = (
  reader: number,
  sentMs: number | undefined,
  atMs: number,
  status: number,
  version?: number,
  deleted?: boolean,
): ReadEntry => ({
  type: 'read',
  reader,
  userId: 'a',
  status,
  ...(version !== undefined ? { version } : {}),
  ...(deleted !== undefined ? { deleted } : {}),
  ...(sentMs !== undefined ? { sentMs } : {}),
  t: { ms: atMs, wall: '' },
});
const check = (reads: ReadEntry[]) => checkReadBehind({ ...healthyRun(BASIC), reads });

describe('read-behind (reads in real time, across readers)', () => {
  it('finds a cached answer: another reader already had v5 when this request was sent, and it got v4', () => {
    const reads = [read(0, 0, 10, 200, 5), read(1, 12, 20, 200, 4), read(1, 30, 40, 200, 5)];
    const r = check(reads);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([expect.objectContaining({ name: 'read-behind', streamId: 'a', versions: [5, 4] })]);
    expect(r.anomalies[0]!.data).toMatchObject({ regressions: 1 });
    // each reader alone only ever moved forward: the per-session check cannot see it
    expect(checkStaleRead({ ...healthyRun(BASIC), reads }).valid).toBe(true);
  });

  it('finds 404 and a live answer after another reader was shown the user deleted', () => {
    expect(check([read(0, 0, 10, 200, 1), read(1, 11, 15, 404)]).anomalies[0]!.message).toMatch(/found at v1, then 404/);
    expect(check([read(0, 0, 10, 200, 3, true), read(1, 11, 15, 200, 3, false)]).anomalies[0]!.message).toMatch(/deleted at v3, then live/);
  });

  it('accepts overlapping requests in any order, and answers that arrived only after the request was sent', () => {
    // sent at 5, before the v5 answer arrived at 10: it may see v4
    expect(check([read(0, 0, 10, 200, 5), read(1, 5, 20, 200, 4)]).valid).toBe(true);
    // sent exactly when v5 arrived: not after it
    expect(check([read(0, 0, 10, 200, 5), read(1, 10, 20, 200, 4)]).valid).toBe(true);
    expect(check([read(0, 0, 10, 404), read(1, 11, 20, 200, 1), read(2, 21, 30, 200, 2)]).valid).toBe(true);
    expect(check([read(0, 0, 10, 200, 5), read(1, 11, 20, 503)]).valid).toBe(true); // nothing was read
    expect(check([read(0, 0, 10, 200, 5), read(1, undefined, 20, 200, 4)]).valid).toBe(true); // no send time: not judged
    expect(checkReadBehind(healthyRun(BASIC)).valid).toBe(true); // no reads sampled
  });

  it('judges each stream on its own', () => {
    const other = { ...read(1, 11, 20, 200, 1), userId: 'b' };
    expect(check([read(0, 0, 10, 200, 5), other]).valid).toBe(true);
  });
});
