import { describe, expect, it } from 'vitest';
import { createMarker } from './marker.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('createMarker', () => {
  it('marks nothing on its own until flushed; ids added while a mark runs are marked together by the next one', async () => {
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
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toEqual([]); // waiting for the next claim to take them
    m.flush();
    m.add([3]);
    m.add([4, 5]);
    m.flush(); // a mark runs: these wait for it
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

  it('hands waiting ids to a claim, which reports them marked or puts them back ahead of later ids', async () => {
    const calls: number[][] = [];
    const marked: number[] = [];
    const m = createMarker({
      mark: async (ids) => {
        calls.push(ids);
      },
      onMarked: (ids) => marked.push(...ids),
      onGaveUp: () => expect.fail('nothing fails here'),
    });
    m.add([1, 2]);
    const first = m.take();
    expect(first).toEqual([1, 2]);
    expect(m.take()).toEqual([]); // taken once
    m.marked(first);
    expect(marked).toEqual([1, 2]);
    m.add([3]);
    const second = m.take();
    m.add([4]);
    m.putBack(second); // the claim failed: 3 waits again, before 4
    await m.settled();
    expect(calls).toEqual([[3, 4]]); // only the put-back and later ids were marked on their own
    expect(marked).toEqual([1, 2, 3, 4]);
  });

  it('is settled at once when nothing was added, and ignores an empty add', async () => {
    const m = createMarker({ mark: async () => expect.fail('no call'), onMarked: () => undefined, onGaveUp: () => undefined });
    m.add([]);
    await m.settled();
  });
});
