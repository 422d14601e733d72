// Marks acked rows published off the send path: ids acked while a mark is running are gathered
// and marked together by the next one, so marks cost one transaction per burst, not per batch.
// A mark that keeps failing leaves its rows claimed: they are published again after the lease (a
// duplicate the projector's inbox absorbs), never lost.
import { backoffDelay } from '../shared/backoff.ts';

export interface Marker {
  add(ids: readonly number[]): void;
  /** Resolves once every id added so far has been marked (or given up on). */
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

  return {
    add(ids) {
      if (ids.length === 0) return;
      waiting.push(...ids);
      running ??= drain();
    },
    async settled() {
      while (running) await running;
    },
  };
}
