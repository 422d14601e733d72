import { describe, expect, it } from 'vitest';
import { checkTelemetryLied } from './telemetryLied.ts';
import { BASIC, healthyRun } from './testing.ts';
import type { TelemetrySample } from './types.ts';

/** One sample a second: [measured lag, applied count, ready, reported lag]. */
const series = (
  rows: [number | null, number | null, boolean | null, number | null][],
  extra: Partial<TelemetrySample> = {},
): TelemetrySample[] =>
  rows.map(([measuredLag, appliedCount, ready, reportedLag], i) => ({
    atMs: i * 1000,
    process: 'projector',
    measuredLag,
    appliedCount,
    ready,
    reportedLag,
    ...extra,
  }));
const check = (telemetry: TelemetrySample[], telemetryBoundMs = 3000) =>
  checkTelemetryLied({ ...healthyRun(BASIC), telemetry, telemetryBoundMs });

describe('telemetry-lied', () => {
  it('passes a process that says what the harness sees: lag while stalled, not ready, or no answer', () => {
    expect(
      check(
        series([
          [0, 10, true, 0],
          [40, 10, true, 40],
          [80, 10, true, 80],
          [90, 10, false, 0],
          [95, 10, null, null],
          [99, 10, true, 99],
          [0, 60, true, 0],
        ]),
      ).valid,
    ).toBe(true);
    expect(checkTelemetryLied(healthyRun(BASIC)).valid).toBe(true); // no samples: no verdict
  });

  it('passes a process that is making progress while it reports lag 0 (the lag is moving)', () => {
    expect(
      check(
        series([
          [30, 10, true, 0],
          [30, 20, true, 0],
          [30, 30, true, 0],
          [30, 40, true, 0],
          [30, 50, true, 0],
          [30, 60, true, 0],
        ]),
      ).valid,
    ).toBe(true);
  });

  it('finds a stalled process reporting ready and lag 0 past the bound, once per stall', () => {
    const r = check(
      series([
        [0, 10, true, 0],
        [50, 10, true, 0],
        [60, 10, true, 0],
        [70, 10, true, 0],
        [80, 10, true, 0],
        [90, 10, true, 0],
        [90, 10, true, 0],
      ]),
    );
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'telemetry-lied',
        data: expect.objectContaining({ process: 'projector', stalledSinceMs: 1000, atMs: 5000, measuredLag: 90 }),
      }),
    ]);
  });

  it('times a stall from the first answer after a restart: the time it was down is not held against it', () => {
    // down 5 s with a backlog growing, back ready with lag 0 for one sample, then catching up
    const restarted = series([
      [0, 10, true, 0],
      [20, null, null, null],
      [40, null, null, null],
      [60, null, null, null],
      [80, null, null, null],
      [90, null, null, null],
      [90, 10, true, 0],
      [0, 100, true, 0],
    ]);
    expect(check(restarted).valid).toBe(true);
    // ...but a restarted process that then stays stalled past the bound while claiming lag 0 lies
    const stuck = series([
      [0, 10, true, 0],
      [20, null, null, null],
      [90, 10, true, 0],
      [90, 10, true, 0],
      [90, 10, true, 0],
      [90, 10, true, 0],
      [90, 10, true, 0],
    ]);
    expect(check(stuck).anomalies).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ stalledSinceMs: 2000, atMs: 6000 }) }),
    ]);
  });

  it('keeps timing a stall through a silence of the same process; a replaced process starts afresh', () => {
    // stalled from 1 s, then frozen (no answers), then back — the same instance — claiming lag 0
    const rows: [number | null, number | null, boolean | null, number | null][] = [
      [0, 10, true, 0],
      [50, 10, true, 50],
      [60, 10, true, 60],
      [70, null, null, null],
      [80, null, null, null],
      [90, 10, true, 0],
    ];
    const frozen = series(rows, { instance: 'pid-1' });
    expect(check(frozen).anomalies).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ stalledSinceMs: 1000, atMs: 5000, measuredLag: 90 }) }),
    ]);
    // the same answers from a new process (restarted during the silence): not yet a lie
    const restarted = series(rows).map((s, i) => (s.ready === null ? s : { ...s, instance: i < 3 ? 'pid-1' : 'pid-2' }));
    expect(check(restarted).valid).toBe(true);
    // a new instance without a silence (restarted between two samples) starts afresh as well
    const swapped = series([
      [0, 10, true, 0],
      [50, 10, true, 50],
      [60, 10, true, 60],
      [70, 10, true, 70],
      [90, 10, true, 0],
    ]).map((s, i) => ({ ...s, instance: i < 4 ? 'pid-1' : 'pid-2' }));
    expect(check(swapped).valid).toBe(true);
  });

  it('finds "not stalled" with a true lag figure as a lie too; within the bound it is not', () => {
    const stalled = series(
      [
        [50, 10, true, 50],
        [50, 10, true, 50],
        [50, 10, true, 50],
        [50, 10, true, 50],
        [50, 10, true, 50],
      ],
      { reportedStalled: false },
    );
    const withStallBound = (stallReportBoundMs: number) =>
      checkTelemetryLied({ ...healthyRun(BASIC), telemetry: stalled, telemetryBoundMs: 3000, stallReportBoundMs });
    expect(withStallBound(3000).anomalies).toHaveLength(1);
    expect(check(stalled, 10_000).valid).toBe(true);
    // Past the lag bound but within the process's own stall threshold, an honest lag figure with
    // "not stalled" is a process that has not yet decided it is stalled, not a lie.
    expect(withStallBound(35_000).valid).toBe(true);
    expect(check(stalled).valid).toBe(true);
  });

  it('without applied counts, a falling measured lag is progress and a flat one is not', () => {
    expect(
      check(
        series([
          [90, null, true, 0],
          [80, null, true, 0],
          [70, null, true, 0],
          [60, null, true, 0],
          [50, null, true, 0],
        ]),
      ).valid,
    ).toBe(true);
    expect(
      check(
        series([
          [90, null, true, 0],
          [90, null, true, 0],
          [90, null, true, 0],
          [90, null, true, 0],
          [90, null, true, 0],
        ]),
      ).valid,
    ).toBe(false);
  });

  it('finds lag figures exported beside "lag unknown", once per episode; none, or unknown alone, is honest', () => {
    const api = (atMs: number, gaugeLag: number | null, gaugeLagUnknown: boolean | null): TelemetrySample => ({
      atMs,
      process: 'query-api',
      ready: false,
      reportedLag: null,
      measuredLag: 5,
      gaugeLag,
      gaugeLagUnknown,
    });
    const honest = [api(0, 3, false), api(300, null, true), api(600, null, true), api(900, 2, false)];
    expect(check(honest).valid).toBe(true);
    const stale = [api(0, 3, false), api(300, 3, true), api(600, 3, true), api(900, 2, false), api(1200, 2, true)];
    expect(check(stale).anomalies).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ process: 'query-api', atMs: 300, gaugeLag: 3 }) }),
      expect.objectContaining({ data: expect.objectContaining({ process: 'query-api', atMs: 1200, gaugeLag: 2 }) }),
    ]);
  });

  it('takes a catch-up the applied count missed (a restarted projector, from 0, that died before its next scrape) as progress', () => {
    // The lag rose while the projector was down, fell to 3 when it caught up between two scrapes
    // of a count that stayed 0, and the API then said 0 while the harness measured 7: no stall.
    const rows: [number | null, number | null, boolean | null, number | null][] = [
      ...Array.from({ length: 12 }, (_, i): [number, number, boolean, number] => [50 * (i + 1), 0, true, 50 * (i + 1)]),
      [3, 0, true, 2],
      [7, null, true, 0],
    ];
    expect(check(series(rows), 3000).valid).toBe(true);
    // the same figures without the fall: a stall, and the 0 a lie
    const stuck = series([...rows.slice(0, 12), [600, 0, true, 590], [607, null, true, 0]]);
    expect(check(stuck, 3000).valid).toBe(false);
  });
});
