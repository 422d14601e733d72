import { describe, expect, it } from 'vitest';
import type { PageEntry, PageOfRead, ReadEntry } from '../history/types.ts';
import { checkPageInconsistent } from './pageInconsistent.ts';
import { checkReadBehind } from './readBehind.ts';
import { BASIC, healthyRun } from './testing.ts';

let nextRead = 0;
/** One page answer: its items as the readers record them. */
function page(o: { number: number; total: number; ids: string[]; size?: number; version?: number; sentMs?: number }): ReadEntry[] {
  const p: PageOfRead = { read: nextRead++, number: o.number, size: o.size ?? 3, total: o.total, count: o.ids.length };
  return o.ids.map((userId) => ({
    type: 'read',
    reader: 0,
    userId,
    status: 200,
    version: o.version ?? 1,
    deleted: false,
    sentMs: o.sentMs ?? 0,
    page: p,
    t: { ms: (o.sentMs ?? 0) + 5, wall: '' },
  }));
}
const check = (reads: ReadEntry[]) => checkPageInconsistent({ ...healthyRun(BASIC), reads });

describe('page-inconsistent (pages of GET /users)', () => {
  it('passes full pages, the last partial page, and pages consistent with different totals', () => {
    const reads = [
      ...page({ number: 1, total: 7, ids: ['a', 'b', 'c'] }),
      ...page({ number: 3, total: 7, ids: ['g'] }),
      ...page({ number: 3, total: 8, ids: ['g', 'h'] }), // a user registered in between: a new view, consistent in itself
    ];
    expect(check(reads).valid).toBe(true);
  });

  it('finds a page whose size contradicts its total (a total counted in another view, or a wrong offset)', () => {
    const r = check(page({ number: 3, total: 8, ids: ['g'] }));
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([expect.objectContaining({ name: 'page-inconsistent' })]);
    expect(r.anomalies[0]!.message).toMatch(/page 3 .* holds 1 users where its total of 8 means 2/);
    expect(check(page({ number: 1, total: 2, ids: ['a', 'b', 'c'] })).valid).toBe(false); // more than the total allows
    expect(check(page({ number: 1, total: 9, ids: ['a', 'b'] })).valid).toBe(false); // a full page expected
  });

  it('finds an empty page whose total says it holds users, from the page entries', () => {
    const entry = (count: number, userIds: string[], total: number): PageEntry => ({
      type: 'page',
      reader: 2,
      read: 0,
      number: 1,
      size: 3,
      total,
      count,
      userIds,
      sentMs: 40,
      t: { ms: 45, wall: '' },
    });
    const empty = checkPageInconsistent({ ...healthyRun(BASIC), reads: [], pages: [entry(0, [], 5)] });
    expect(empty.anomalies[0]!.message).toBe("reader 2's page 1 (size 3, sent at 40 ms) holds 0 users where its total of 5 means 3");
    expect(checkPageInconsistent({ ...healthyRun(BASIC), reads: [], pages: [entry(0, [], 0)] }).valid).toBe(true);
    expect(checkPageInconsistent({ ...healthyRun(BASIC), reads: [], pages: [entry(2, ['a', 'b'], 2)] }).valid).toBe(true);
  });

  it('finds a user listed twice in one page', () => {
    const r = check(page({ number: 1, total: 3, ids: ['a', 'b', 'a'] }));
    expect(r.anomalies[0]!.message).toMatch(/lists a more than once/);
  });

  it('ignores single reads, and leaves the items themselves to read-behind', () => {
    expect(check([{ type: 'read', reader: 1, userId: 'a', status: 200, version: 2, sentMs: 0, t: { ms: 1, wall: '' } }]).valid).toBe(true);
    // a cached page: another reader had v2 of a before this page was sent, the page shows v1
    const single: ReadEntry = {
      type: 'read',
      reader: 1,
      userId: 'a',
      status: 200,
      version: 2,
      deleted: false,
      sentMs: 0,
      t: { ms: 10, wall: '' },
    };
    const cached = page({ number: 1, total: 1, ids: ['a'], version: 1, sentMs: 20 });
    expect(check([single, ...cached]).valid).toBe(true);
    expect(checkReadBehind({ ...healthyRun(BASIC), reads: [single, ...cached] }).valid).toBe(false);
  });
});
