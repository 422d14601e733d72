import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../history/types.ts';
import { tamperedSince, watchTampered, WATCH_MS } from './tampered.ts';

const at = (ms: number) => ({ ms, wall: new Date(ms).toISOString() });
const inject = (ms: number, streamId?: string): HistoryEntry =>
  ({
    type: 'inject',
    what: 'stale',
    topic: 'user-events',
    partition: 0,
    offset: '1',
    ...(streamId ? { streamId } : {}),
    t: at(ms),
  }) as HistoryEntry;
const read = (ms: number): HistoryEntry => ({ type: 'read', reader: 0, userId: 'x', status: 200, t: at(ms) }) as HistoryEntry;

describe('tampered streams', () => {
  it('lists streams injected since a moment, newest first, once each, ignoring records of no stream', () => {
    const entries = [inject(100, 'old'), inject(1_000, 'a'), read(1_100), inject(1_200), inject(1_300, 'b'), inject(1_400, 'a')];
    expect(tamperedSince(entries, 1_000)).toEqual(['a', 'b']);
    expect(tamperedSince(entries, 1_350)).toEqual(['a']);
    expect(tamperedSince(entries, 2_000)).toEqual([]);
  });

  it('watches a stream for a while after its injection, then lets it go', () => {
    const entries: HistoryEntry[] = [];
    let now = 0;
    const watched = watchTampered(
      () => entries,
      () => now,
      0,
    );
    expect(watched()).toEqual([]);
    entries.push(inject(10, 's'));
    now = 20;
    expect(watched()).toEqual(['s']);
    now = 10 + WATCH_MS + 1;
    expect(watched()).toEqual([]);
  });
});
