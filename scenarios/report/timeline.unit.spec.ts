import { describe, expect, it } from 'vitest';
import { syntheticHistory, syntheticSamples } from './html/testing.ts';
import { buildTimeline, counterRate, labelsOf, metricAt, percentile } from './timeline.ts';

describe('metric helpers', () => {
  it('parses label sets and sums a metric over the ones that match', () => {
    expect(labelsOf('m{a="1",b="x y"}')).toEqual({ a: '1', b: 'x y' });
    expect(labelsOf('m')).toEqual({});
    const v = { 'c{outcome="accepted",status="201"}': 3, 'c{outcome="accepted",status="200"}': 2, 'c{outcome="rejected"}': 7, cx: 100 };
    expect(metricAt(v, 'c', { outcome: 'accepted' })).toBe(5);
    expect(metricAt(v, 'c')).toBe(12); // `cx` is another metric, not a label set of `c`
    expect(metricAt(v, 'missing')).toBeNull();
    expect(metricAt(undefined, 'c')).toBeNull();
  });

  it('counter rate: per second, across gaps from the last known value, restarting after a reset', () => {
    expect(counterRate([0, 2, null, 6, 1, 3], [0, 0.5, 1, 1.5, 2, 2.5])).toEqual([null, 4, null, 4, 2, 4]);
  });

  it('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('buildTimeline', () => {
  const tl = buildTimeline({ entries: syntheticHistory(), samples: syntheticSamples(), convergenceMs: 1500 });
  const series = (group: keyof Pick<typeof tl, 'throughput' | 'latency' | 'backlog' | 'dead'>, key: string) =>
    tl[group].find((s) => s.key === key)!.values;
  const at = (s: number) => tl.x.indexOf(s);

  it('puts samples on the history clock, aligned on the first command when the start was not recorded', () => {
    expect(tl.alignment).toBe('first-invoke');
    expect(tl.x.slice(0, 3)).toEqual([0.5, 0.75, 1]);
    const recorded = buildTimeline({ entries: syntheticHistory(), samples: syntheticSamples(), samplerStartMs: 100 });
    expect(recorded.alignment).toBe('recorded');
    expect(recorded.x[0]).toBe(0.1);
  });

  it('fault windows, last heal and convergence', () => {
    expect(tl.faults).toEqual([{ label: 'down relay-kafka', startS: 3, stopS: 6 }]);
    expect(tl.convergence).toEqual({ ms: 1500, lastHealS: 6, convergedS: 7.5 });
  });

  it('shows when a slow fault began to be applied, not for a quick one', () => {
    const began = (lateMs: number) =>
      syntheticHistory().map((e) =>
        e.type === 'fault' && e.phase === 'start' ? { ...e, began: { ms: e.t.ms - lateMs, wall: e.t.wall } } : e,
      );
    const slow = buildTimeline({ entries: began(2_000), samples: syntheticSamples() });
    expect(slow.faults).toEqual([{ label: 'down relay-kafka', startS: 3, beganS: 1, stopS: 6 }]);
    const quick = buildTimeline({ entries: began(20), samples: syntheticSamples() });
    expect(quick.faults).toEqual([{ label: 'down relay-kafka', startS: 3, stopS: 6 }]);
  });

  it('backlog grows during the outage and drains after it; lag per partition', () => {
    expect(series('backlog', 'backlog')[at(2.75)]).toBe(0);
    expect(series('backlog', 'backlog')[at(5.75)]).toBe(12);
    expect(series('backlog', 'backlog')[at(6.25)]).toBe(0);
    expect(tl.backlog.map((s) => s.key)).toEqual(['backlog', 'lag-0', 'lag-1', 'oldest']);
    expect(series('backlog', 'lag-0')[at(4)]).toBe(2);
  });

  it('rates from counters: nothing published in the outage, the backlog at once after it', () => {
    expect(series('throughput', 'published')[at(4)]).toBe(0);
    expect(series('throughput', 'published')[at(6)]).toBe(13 / 0.25);
    expect(series('throughput', 'accepted')[at(4)]).toBe(4); // one accepted per 250 ms sample
  });

  it('latency p50/p99 over the last second of completions, slower in the outage', () => {
    const p99 = series('latency', 'p99');
    expect(p99[at(2)]).toBeLessThan(10);
    expect(p99[at(5)]).toBeGreaterThanOrEqual(40);
    expect(series('throughput', 'ok')[at(2)]).toBe(4); // 4 completions per second, none failed there
  });

  it('with no samples, a grid over the history keeps latency and fault windows', () => {
    const bare = buildTimeline({ entries: syntheticHistory(), samples: [] });
    expect(bare.x[1]! - bare.x[0]!).toBe(0.25);
    expect(bare.latency[0]!.values.some((v) => v !== null)).toBe(true);
    expect(bare.backlog[0]!.values.every((v) => v === null)).toBe(true);
    expect(bare.convergence.convergedS).toBeNull();
  });
});
