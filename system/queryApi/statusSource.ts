// One place that computes the projection's status for `/projection/status`, the `projection`
// readiness check and the lag gauges, so the three always say the same thing: the lag from the
// live high watermark (or unknown), and the projector flagged when its report is older than the
// bound, whatever lag it last had.
import type { Pool } from 'mysql2/promise';
import type { Registry } from 'prom-client';
import { gauge } from '../shared/metrics.ts';
import { projectionStatus, type ProjectionStatus, type StatusOptions } from './readModel.ts';

export interface StatusSource {
  current(): Promise<ProjectionStatus>;
}

export function statusSource(pool: Pool, o: StatusOptions, registry?: Registry): StatusSource {
  let inFlight: Promise<ProjectionStatus> | null = null;
  const current = () => {
    inFlight ??= projectionStatus(pool, o).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  const r = registry ? { registry } : {};
  // Read at scrape time: the gauges are the status, never an older copy of it. Each gauge
  // refreshes all three from the one shared computation (a scrape collects them in parallel).
  const refresh = async () => {
    try {
      const s = await current();
      lag.reset();
      for (const p of s.partitions) if (typeof p.lag === 'number') lag.set({ partition: String(p.partition) }, p.lag);
      unknown.set(s.lag === 'unknown' ? 1 : 0);
      stalled.set(s.stalled ? 1 : 0);
    } catch {
      // The read database did not answer: nothing is known.
      lag.reset();
      unknown.set(1);
      stalled.set(1);
    }
  };
  const lag = gauge<'partition'>({
    name: 'query_projection_lag',
    help: 'Records the read model is behind the live high watermark, per partition (absent while unknown: see _lag_unknown)',
    labelNames: ['partition'],
    ...r,
    collect: refresh,
  });
  const unknown = gauge({
    name: 'query_projection_lag_unknown',
    help: '1 while the lag cannot be known (no broker answer)',
    ...r,
    collect: refresh,
  });
  const stalled = gauge({
    name: 'query_projection_stalled',
    help: '1 while /projection/status reports the projection stalled (stalled partition, silent projector, or lag unknown)',
    ...r,
    collect: refresh,
  });
  return { current };
}
