import { describe, expect, it } from 'vitest';
import { appliedMiscounted } from './appliedCounted.ts';
import { checkTelemetryLied } from './telemetryLied.ts';
import { BASIC, healthyRun } from './testing.ts';
import type { AppliedEventRow, MetricSample } from './types.ts';

const row = (appliedBy: string, i: number): AppliedEventRow => ({
  eventId: `e${i}`,
  streamId: 's',
  streamVersion: i + 1,
  partition: 0,
  offset: String(i),
  appliedAt: '2026-12-08T00:00:00Z',
  appliedBy,
});
const rows = (appliedBy: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => row(appliedBy, from + i));

/** A projector's scrape: its identity and its counters. */
const scrape = (appliedBy: string, applied: number, released = 0, reapplied = 0) => ({
  [`faultline_projector_identity{applied_by="${appliedBy}"}`]: 1,
  'faultline_projector_applied_total{mode="effectively-once",source="kafka"}': applied,
  faultline_projector_released_total: released,
  faultline_projector_reapplied_total: reapplied,
});

describe('a projector’s count of what it applied', () => {
  it('agrees with its rows in the applied log once the read model stood still, other processes’ rows aside', () => {
    const final: MetricSample = {
      ms: 9000,
      final: true,
      metrics: { projector: scrape('projector/41', 7, 2, 1), 'projector#2': scrape('projector#2/42', 3) },
    };
    const applied = [
      ...rows('projector/41', 10),
      ...rows('projector#2/42', 3, 10),
      ...rows('projector/40', 5, 20),
      ...rows('dlq-cli/7', 1, 30),
    ];
    expect(appliedMiscounted([final], applied)).toEqual([]);
  });

  it('finds a counter that missed events, or counted more than were written', () => {
    const applied = rows('projector/41', 10);
    const under = appliedMiscounted([{ ms: 1, final: true, metrics: { projector: scrape('projector/41', 8, 1) } }], applied);
    expect(under).toHaveLength(1);
    expect(under[0]!.message).toBe(
      'projector (projector/41) counted 9 events applied (applied + released + reapplied) once the read model stood still, but wrote 10 applied_events rows',
    );
    expect(appliedMiscounted([{ ms: 1, final: true, metrics: { projector: scrape('projector/41', 11) } }], applied)).toHaveLength(1);
  });

  it('judges only the final sample: counters taken while the projector still applied are not final', () => {
    const applied = rows('projector/41', 10);
    expect(appliedMiscounted([{ ms: 1, metrics: { projector: scrape('projector/41', 4) } }], applied)).toEqual([]);
    const samples: MetricSample[] = [
      { ms: 1, metrics: { projector: scrape('projector/41', 4) } },
      { ms: 2, final: true, metrics: { projector: scrape('projector/41', 10) } },
    ];
    expect(appliedMiscounted(samples, applied)).toEqual([]);
  });

  it('is part of telemetry-lied, except in a run that never quiesced', () => {
    const input = healthyRun(BASIC);
    input.read.applied = rows('projector/41', 3);
    input.metricSamples = [{ ms: 1, final: true, metrics: { projector: scrape('projector/41', 1) } }];
    expect(checkTelemetryLied(input).valid).toBe(false);
    input.convergence = { lastHealMs: 0, convergedAtMs: null, boundMs: 1000 };
    expect(checkTelemetryLied(input).valid).toBe(true);
  });
});
