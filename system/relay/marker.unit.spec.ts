import { describe, expect, it } from 'vitest';
import { createMarker } from './marker.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('createMarker', () => {
  it('marks ids added while a mark runs together in the next one, and settles when all are marked', async () => {
    const calls: number[][] = [];
    const gate = deferred();
    const marked: number[] = [];
    const m = createMarker({
      mark: async (ids) => {
        calls.push(ids);
        if (calls.length === 1) await gate.promise;
      },
      onMarked: (ids) => marked.push(...ids),
      onGaveUp: () => expect.fail('nothing fails here'),
    });
    m.add([1, 2]);
    m.add([3]);
    m.add([4, 5]);
    gate.resolve();
    await m.settled();
    expect(calls).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(marked).toEqual([1, 2, 3, 4, 5]);
  });

  it('retries a failing mark, then gives the ids up (they stay claimed; the lease brings them back)', async () => {
    let tries = 0;
    const gaveUp: number[] = [];
    const m = createMarker({
      mark: async () => {
        tries++;
        throw new Error('db down');
      },
      onMarked: () => expect.fail('never marked'),
      onGaveUp: (ids) => gaveUp.push(...ids),
      attempts: 3,
    });
    m.add([7]);
    await m.settled();
    expect(tries).toBe(3);
    expect(gaveUp).toEqual([7]);
  });

  it('is settled at once when nothing was added, and ignores an empty add', async () => {
    const m = createMarker({ mark: async () => expect.fail('no call'), onMarked: () => undefined, onGaveUp: () => undefined });
    m.add([]);
    await m.settled();
  });
});
