import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../checkers/types.ts';
import { toOperations } from '../../history/reader.ts';
import { anomalousStreams, buildStreamTimeline, wallToMs } from './streamTimeline.ts';
import { syntheticFinalState, syntheticHistory } from './testing.ts';

const entries = syntheticHistory();
const op3 = toOperations(entries).find((o) => o.id === 3)!;
const lost: Anomaly = {
  name: 'lost',
  message: 'op 3 never applied',
  streamId: 'u-1',
  eventId: 'e1',
  versions: [2],
  op: { ...op3, complete: null },
  data: { stage: 'never-published' },
};

describe('wallToMs', () => {
  it('maps ISO, MariaDB DATETIME(6) and epoch-ms strings onto the history clock', () => {
    const toMs = wallToMs(entries);
    expect(toMs('2026-11-28T12:00:01.250Z')).toBe(1250);
    expect(toMs('2026-11-28 12:00:00.640123')).toBe(640);
    expect(toMs(String(Date.parse('2026-11-28T12:00:00.600Z')))).toBe(600);
    expect(toMs('garbage')).toBeNull();
    expect(toMs(undefined)).toBeNull();
  });
});

describe('buildStreamTimeline', () => {
  it('with the final state: each version written, published, applied, and the lost one marked', () => {
    const st = buildStreamTimeline('u-1', entries, [lost], syntheticFinalState());
    expect(st.source).toBe('final-state');
    expect(st.rows.map((r) => [r.version, r.eventId, r.written, r.published, r.applied, r.state])).toEqual([
      [1, 'e-0', true, 1, 1, 'ok'],
      [2, 'e1', true, 0, 0, 'lost'],
    ]);
    expect(st.rows[1]!.ops).toEqual(['op 3 rename ok v2']);
    const lanes = st.marks.map((m) => `${m.lane}@${m.ms}`);
    expect(lanes).toEqual(expect.arrayContaining(['written@503', 'published@600', 'applied@640', 'written@1253']));
    // the lost mark sits at the history's ack of op 3, though the anomaly's copy of the op had none
    expect(st.marks.find((m) => m.lane === 'lost')?.ms).toBe(op3.complete!.ms);
  });

  it('without it: duplicates from the anomaly evidence, the rest unknown', () => {
    const dup: Anomaly = {
      name: 'duplicated',
      message: 'e-0 applied twice',
      streamId: 'u-1',
      eventId: 'e-0',
      versions: [1, 1],
      data: {
        count: 2,
        at: [
          { partition: 0, offset: '0', appliedAt: '2026-11-28 12:00:00.640000' },
          { partition: 0, offset: '0', appliedAt: '2026-11-28 12:00:02.000000' },
        ],
      },
    };
    const st = buildStreamTimeline('u-1', entries, [dup], undefined);
    expect(st.source).toBe('anomalies');
    expect(st.rows.find((r) => r.eventId === 'e-0')).toMatchObject({ applied: 2, written: null, state: 'duplicated' });
    expect(st.marks.filter((m) => m.lane === 'duplicated').map((m) => m.ms)).toEqual([2000]);
    expect(st.anomalies).toEqual([{ name: 'duplicated', message: 'e-0 applied twice' }]);
  });

  it('only the stream asked for', () => {
    const st = buildStreamTimeline('u-11', entries, [lost], syntheticFinalState());
    expect(st.anomalies).toEqual([]);
    expect(st.rows.map((r) => r.eventId)).toEqual(['e-1']);
  });
});

describe('anomalousStreams', () => {
  it('distinct streams in first-seen order, capped', () => {
    const a = (streamId?: string): Anomaly => ({ name: 'lost', message: '', ...(streamId ? { streamId } : {}) });
    expect(anomalousStreams([a('x'), a(), a('y'), a('x'), a('z')], 2)).toEqual(['x', 'y']);
  });
});

describe('rows', () => {
  it('an anomaly naming only a version joins the row of that version', () => {
    const diverged: Anomaly = { name: 'diverged', message: 'row missing', streamId: 'u-1', versions: [2] };
    const st = buildStreamTimeline('u-1', entries, [lost, diverged], undefined);
    expect(st.rows.map((r) => [r.version, r.eventId, r.state])).toEqual([
      [1, 'e-0', 'unknown'],
      [2, 'e1', 'lost'],
    ]);
  });
});
