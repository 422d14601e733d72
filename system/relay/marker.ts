// Marks acked rows published off the send path. Acked ids wait here until the relay's next claim
// transaction takes them (one commit per cycle: each claim marks what the broker acked since the
// previous one), or, when no claim is coming (the relay found nothing to do, failed or stops),
// until flush() marks them in a transaction of their own; ids acked while such a mark runs are
// marked together by the next one. Either way only ids the broker acknowledged are marked.
// A mark that keeps failing leaves its rows claimed: they are published again after the lease (a
// duplicate the projector's inbox absorbs), never lost.
import { backoffDelay } from '../shared/backoff.ts';

export interface Marker {
  /** Ids the broker acknowledged. */
  add(ids: readonly number[]): void;
  /** Hands the waiting ids to a claim transaction that marks them; it reports back with marked() or putBack(). */
  take(): number[];
  /** The claim transaction that took `ids` committed. */
  marked(ids: readonly number[]): void;
  /** The claim transaction that took `ids` failed: they wait again, ahead of later ones. */
  putBack(ids: readonly number[]): void;
  /** Marks what waits now, in a transaction of its own, without waiting for it. */
  flush(): void;
  /** Flushes, then resolves once every id added so far has been marked (or given up on). */
  settled(): Promise<void>;
}

export function createMarker(o: {
  mark: (ids: number[]) => Promise<unknown>;
  onMarked: (ids: number[]) => void;
  onGaveUp: (ids: number[], err: unknown) => void;
  attempts?: number;
}): Marker {
  let waiting: number[] = [];
  let running: Promise<void> | null = null;

  async function markWithRetry(ids: number[]): Promise<void> {
    const attempts = o.attempts ?? 5;
    for (let i = 0; ; i++) {
      try {
        await o.mark(ids);
        o.onMarked(ids);
        return;
      } catch (err) {
        if (i + 1 >= attempts) return o.onGaveUp(ids, err);
        await new Promise((r) => setTimeout(r, backoffDelay(i, { baseMs: 20, maxMs: 500 })));
      }
    }
  }

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const ids = waiting;
      waiting = [];
      await markWithRetry(ids);
    }
    running = null;
  }

  const flush = () => {
    if (waiting.length === 0) return;
    running ??= drain();
  };

  return {
    add(ids) {
      if (ids.length === 0) return;
      waiting.push(...ids);
    },
    take() {
      const ids = waiting;
      waiting = [];
      return ids;
    },
    marked(ids) {
      if (ids.length > 0) o.onMarked([...ids]);
    },
    putBack(ids) {
      if (ids.length > 0) waiting = [...ids, ...waiting];
    },
    flush,
    async settled() {
      flush();
      while (running) {
        await running;
        flush();
      }
    },
  };
}
