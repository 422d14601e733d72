import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../system/shared/events.ts';
import { benchEvents, chunks, eventRow, kafkaRecord } from './fixtures.ts';

let n = 0;
const ids = () => `id-${n++}`;

describe('benchEvents', () => {
  it('makes streams of a registration then a rename, versions 1 and 2, unique event ids', () => {
    const es = benchEvents(5, ids);
    expect(es.map((e) => [e.type, e.streamVersion])).toEqual([
      ['UserRegistered', 1],
      ['UserRenamed', 2],
      ['UserRegistered', 1],
      ['UserRenamed', 2],
      ['UserRegistered', 1],
    ]);
    expect(es[0]!.streamId).toBe(es[1]!.streamId);
    expect(es[2]!.streamId).not.toBe(es[1]!.streamId);
    expect(new Set(es.map((e) => e.eventId)).size).toBe(5);
  });
});

describe('rows and records', () => {
  it('an outbox/events row has the ten columns in order, payload as JSON', () => {
    const [e] = benchEvents(1, ids);
    const row = eventRow(e!);
    expect(row).toHaveLength(10);
    expect(row[0]).toBe(e!.eventId);
    expect(JSON.parse(row[9] as string)).toEqual(e!.payload);
  });
  it('the Kafka record is keyed by stream and carries the event headers the projector reads', () => {
    const [e] = benchEvents(1, ids);
    const m = kafkaRecord(e!);
    expect(m.key).toBe(e!.streamId);
    expect(JSON.parse(String(m.value))).toEqual(e);
    expect(String((m.headers as Record<string, Buffer>)[HEADERS.eventId])).toBe(e!.eventId);
  });
});

describe('chunks', () => {
  it('splits into batches of at most the size, keeping order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(() => chunks([1], 0)).toThrow(RangeError);
  });
});
