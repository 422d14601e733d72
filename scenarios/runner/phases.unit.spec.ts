import { describe, expect, it } from 'vitest';
import { behind, watchConvergence } from './convergence.ts';
import { convergedAt } from './observe.ts';
import { effectiveSchedule } from './prepare.ts';
import { boundedProbes, measuredLag, reportedLag, sampleTelemetry, stalledOf, type TelemetryProbes } from './telemetry.ts';
import { keptMetrics } from './sampler.ts';
import { watched } from './visibility.ts';
import { eventsPerStream, summarizeWorkload, withOpenLoop } from './workloadSummary.ts';
import { summarize } from '../workload/summary.ts';
import type { CommandOp } from '../history/types.ts';

const fault = (target: string) => ({ at: 0, fault: 'kill', target, duration: 10, params: {} }) as never;

describe('prepare', () => {
  it('drops faults aimed at the relay in dual-write (no relay runs there)', () => {
    const s = [fault('relay'), fault('projector')];
    expect(effectiveSchedule(s, { publish: 'dual-write', consume: 'effectively-once' })).toEqual([fault('projector')]);
    expect(effectiveSchedule(s, { publish: 'outbox', consume: 'effectively-once' })).toEqual(s);
  });
});

describe('convergence from the last heal', () => {
  it('a stream is behind until its read version reaches the version at the heal; later writes do not move the goal', () => {
    const goal = new Map([
      ['a', 3],
      ['b', 1],
    ]);
    expect(behind(goal, new Map([['a', 2]]))).toEqual(['a', 'b']);
    expect(
      behind(
        goal,
        new Map([
          ['a', 3],
          ['b', 1],
          ['c', 9],
        ]),
      ),
    ).toEqual([]);
  });

  it('takes the goal once, right after the heal, and returns when the read side reaches it', async () => {
    let t = 100;
    let writes = 0;
    const reads = [new Map([['a', 1]]), new Map([['a', 2]]), new Map([['a', 3]])];
    const at = await watchConvergence(
      {
        writeVersions: async () => {
          writes++;
          return new Map([['a', 3]]);
        },
        readVersions: async () => {
          t += 50;
          return reads.shift()!;
        },
      },
      { deadlineMs: 10_000, now: () => t, everyMs: 1 },
    );
    expect(at).toBe(250);
    expect(writes).toBe(1);
  });

  it('gives null at the deadline and keeps polling through a database error', async () => {
    let t = 0;
    let calls = 0;
    const at = await watchConvergence(
      {
        writeVersions: async () => new Map([['a', 1]]),
        readVersions: async () => {
          t += 10;
          if (++calls === 1) throw new Error('restarting');
          return new Map();
        },
      },
      { deadlineMs: 50, now: () => t, everyMs: 1 },
    );
    expect(at).toBeNull();
    expect(calls).toBeGreaterThan(2);
  });

  it('converged needs the final quiesce; the catch-up moment when there was one', () => {
    expect(convergedAt(120, 300)).toBe(120);
    expect(convergedAt(null, 300)).toBe(300);
    expect(convergedAt(120, null)).toBeNull();
  });
});

/** One URL per system process, each telling its process apart by its prefix. */
const URLS = {
  commandService: 'http://cs',
  commandServiceDirect: 'http://csd',
  queryApi: 'http://qa',
  relay: 'http://r',
  projector: 'http://p',
};

describe('telemetry', () => {
  it('measured lag is high watermark − committed offset per partition (from the low watermark when nothing is committed)', () => {
    const ends = [
      { partition: 0, high: '10', low: '0' },
      { partition: 1, high: '7', low: '2' },
    ];
    expect(measuredLag(ends, [{ partition: 0, offset: '4' }])).toBe(6 + 5);
    expect(
      measuredLag(ends, [
        { partition: 0, offset: '10' },
        { partition: 1, offset: '-1' },
      ]),
    ).toBe(5);
  });

  it("counts from the read model's checkpoint when it is past the committed offset (applied while the group could not commit)", () => {
    const ends = [
      { partition: 0, high: '160', low: '0' },
      { partition: 1, high: '7', low: '0' },
    ];
    const committed = [
      { partition: 0, offset: '8' },
      { partition: 1, offset: '5' },
    ];
    expect(measuredLag(ends, committed)).toBe(152 + 2);
    // partition 0 applied through offset 159; partition 1's checkpoint lags its commit (at-most-once)
    const checkpoints = [
      { partition: 0, lastOffset: '159' },
      { partition: 1, lastOffset: '2' },
    ];
    expect(measuredLag(ends, committed, checkpoints)).toBe(0 + 2);
  });

  it("reported lag sums the query API's partitions; stalled only when the process exposes the metric", () => {
    expect(reportedLag({ partitions: [{ lag: 2 }, { lag: 3 }] })).toBe(5);
    expect(reportedLag(null)).toBeNull();
    // An unknown lag is no claim of lag 0.
    expect(reportedLag({ lag: 'unknown', partitions: [{ lag: 'unknown' }, { lag: 0 }] })).toBeNull();
    expect(reportedLag({ partitions: [{ lag: 'unknown' }, { lag: 0 }] })).toBeNull();
    expect(stalledOf({ faultline_query_projection_stalled: 1 }, 'faultline_query_projection_stalled')).toBe(true);
    expect(stalledOf({ faultline_projector_stalled: 1 })).toBe(true);
    expect(stalledOf({ faultline_projector_stalled: 0 })).toBe(false);
    expect(stalledOf({ other: 1 })).toBeNull();
  });

  it("prefers the projector's own lag gauge over the query API's figures", async () => {
    const probes: TelemetryProbes = {
      ready: async () => ({ ready: true }),
      json: async () => ({ partitions: [{ lag: 0 }] }),
      metrics: async () => ({ 'faultline_projector_lag{partition="0"}': 4, 'faultline_projector_lag{partition="1"}': 1 }),
      lag: async () => 5,
    };
    const p = (await sampleTelemetry(URLS, probes, 0))[2]!;
    expect(p).toMatchObject({ reportedLag: 5, measuredLag: 5 });
  });

  it("one sample per process; the projector's carries its own and the measured lag side by side", async () => {
    const probes: TelemetryProbes = {
      ready: async (url) => (url.startsWith('http://p') ? { ready: true } : { ready: false, reason: 'db' }),
      json: async () => ({ partitions: [{ lag: 0 }] }),
      metrics: async () => ({ 'faultline_projector_applied_total{mode="x"}': 7 }),
      lag: async () => 42,
    };
    const s = await sampleTelemetry(URLS, probes, 123);
    expect(s.map((x) => x.process)).toEqual(['command-service', 'relay', 'projector', 'query-api']);
    expect(s[2]).toEqual({
      atMs: 123,
      process: 'projector',
      ready: true,
      reportedLag: 0,
      reportedStalled: null,
      measuredLag: 42,
      appliedCount: 7,
    });
    expect(s[0]).toEqual({ atMs: 123, process: 'command-service', ready: false, readyReason: 'db', reportedLag: null, measuredLag: null });
    // The query API's account of the projection is judged too, against the same measurement.
    expect(s[3]).toEqual({
      atMs: 123,
      process: 'query-api',
      ready: false,
      readyReason: 'db',
      reportedLag: 0,
      reportedStalled: null,
      measuredLag: 42,
      appliedCount: 7,
      gaugeLag: null, // it exports no lag gauges
      gaugeLagUnknown: null,
    });
  });

  it('a probe stuck on a frozen server counts as no answer after its deadline, not a stalled round', async () => {
    const never = new Promise<never>(() => undefined);
    const stuck: TelemetryProbes = {
      ready: async (url) => (url.startsWith('http://p') ? never : { ready: true }),
      json: () => never,
      metrics: () => never,
      lag: () => never,
    };
    const t0 = Date.now();
    const s = await sampleTelemetry(URLS, boundedProbes(stuck, 50), 0);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(s.find((x) => x.process === 'projector')).toMatchObject({ ready: null, measuredLag: null, reportedLag: null });
    expect(s.find((x) => x.process === 'relay')).toMatchObject({ ready: true });
  });

  it("the query API's sample carries its lag gauges summed and its lag-unknown gauge", async () => {
    const probes: TelemetryProbes = {
      ready: async () => ({ ready: true }),
      json: async () => null,
      metrics: async (url) =>
        url.startsWith('http://qa')
          ? {
              'faultline_query_projection_lag{partition="0"}': 3,
              'faultline_query_projection_lag{partition="1"}': 4,
              faultline_query_projection_lag_unknown: 1,
            }
          : {},
      lag: async () => 9,
    };
    const s = (await sampleTelemetry(URLS, probes, 0))[3]!;
    expect(s).toMatchObject({ process: 'query-api', gaugeLag: 7, gaugeLagUnknown: true });
  });
});

describe('metrics samples', () => {
  it("keep the system's series, not histogram buckets nor runtime gauges", () => {
    const all = {
      'faultline_projector_applied_total{mode="x"}': 3,
      faultline_projector_apply_seconds_sum: 1,
      'faultline_projector_apply_seconds_bucket{le="0.1"}': 2,
      faultline_process_cpu_seconds_total: 9,
      'faultline_nodejs_heap_space_size_used_bytes{space="new"}': 1,
    };
    expect(keptMetrics(all)).toEqual({ 'faultline_projector_applied_total{mode="x"}': 3, faultline_projector_apply_seconds_sum: 1 });
  });
});

describe('visibility sampling', () => {
  it('watches the first N ok commands, then every Nth', () => {
    const picked = Array.from({ length: 20 }, (_, i) => i).filter((i) => watched(i, 5, 4));
    expect(picked).toEqual([0, 1, 2, 3, 4, 5, 9, 13, 17]);
  });
});

describe('workload summary', () => {
  const op = (id: number, userId: string, outcome: CommandOp['outcome'], ms: number): CommandOp => ({
    id,
    process: 0,
    kind: 'rename',
    userId,
    idempotencyKey: `k${id}`,
    invoke: { ms, wall: '' },
    complete: { ms: ms + 10, wall: '' },
    outcome,
  });

  it('gives the ok rate, streams touched and events per stream', () => {
    const ops = [op(1, 'a', 'ok', 0), op(2, 'b', 'fail', 500), op(3, 'a', 'ok', 1990)];
    const s = summarizeWorkload(ops, eventsPerStream([{ streamId: 'a' }, { streamId: 'a' }, { streamId: 'c' }]));
    expect(s).toEqual({
      okShare: 0.667,
      ok: 2,
      fail: 1,
      unknown: 0,
      durationMs: 2000,
      okPerSecond: 1,
      streams: 2,
      eventsPerStream: { mean: 1.5, max: 2 },
    });
    expect(summarizeWorkload([], new Map())).toMatchObject({
      ok: 0,
      okShare: 0,
      durationMs: 0,
      okPerSecond: 0,
      eventsPerStream: { mean: 0, max: 0 },
    });
  });

  it('adds what only the open-loop workload knows: the rate asked for and reached, skipped sends, intents', () => {
    const tally = {
      ops: [
        { userId: 'a', intent: 'register', outcome: 'ok' as const, status: 201, predicted: 201 },
        { userId: 'a', intent: 'stale-if-match', outcome: 'fail' as const, status: 200, predicted: 409 },
      ],
      skipped: 4,
    };
    const w = withOpenLoop(summarizeWorkload([], new Map()), summarize(tally, { rate: 60, sendingMs: 1000, drainMs: 5 }));
    expect(w).toMatchObject({ rate: { target: 60, achieved: 2 }, skipped: 4, surprises: 1 });
    expect(w.byIntent).toEqual({ register: { ok: 1, fail: 0, unknown: 0 }, 'stale-if-match': { ok: 0, fail: 1, unknown: 0 } });
  });
});
