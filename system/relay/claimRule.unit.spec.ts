import { describe, expect, it } from 'vitest';
import { intoBatches, keepInStreamOrder } from './claimRule.ts';

const rows = (...spec: [number, string][]) => spec.map(([id, streamId]) => ({ id, streamId }));

describe('keepInStreamOrder', () => {
  it('keeps every candidate when no stream has an earlier row held elsewhere', () => {
    const c = rows([1, 'a'], [2, 'b'], [3, 'a']);
    expect(keepInStreamOrder(c, new Map())).toEqual(c);
  });

  it('drops a stream from its blocker on, keeping its rows before the blocker', () => {
    // stream a: rows 1 and 9 are ours, row 5 is held by someone else → 9 must wait
    const c = rows([1, 'a'], [2, 'b'], [9, 'a'], [10, 'b']);
    expect(keepInStreamOrder(c, new Map([['a', 5]]))).toEqual(rows([1, 'a'], [2, 'b'], [10, 'b']));
  });

  it('drops every row of a stream whose first unpublished row is held elsewhere', () => {
    const c = rows([7, 'a'], [8, 'a'], [9, 'c']);
    expect(keepInStreamOrder(c, new Map([['a', 3]]))).toEqual(rows([9, 'c']));
  });
});

describe('intoBatches', () => {
  it('splits in order with a short last batch', () => {
    expect(intoBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(intoBatches([], 3)).toEqual([]);
  });
  it('refuses a size below 1', () => {
    expect(() => intoBatches([1], 0)).toThrow(/batch size/);
  });

  it('also ends a send before it passes maxBytes, and lets a single large row go alone', () => {
    const bytes = { maxBytes: 10, bytesOf: (n: number) => n };
    expect(intoBatches([3, 3, 3, 3, 20, 1], 100, bytes)).toEqual([[3, 3, 3], [3], [20], [1]]);
    expect(intoBatches([1, 1, 1, 1, 1], 2, bytes)).toEqual([[1, 1], [1, 1], [1]]);
  });
});
