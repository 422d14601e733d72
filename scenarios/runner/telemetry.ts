// Telemetry sampler: every ~300 ms, what each system process says about itself (`/health/ready`;
// for the projector also its own lag gauge, else the query API's `/projection/status` figures, and
// `faultline_projector_stalled` when the process exposes it; for the query API its status's lag and
// `faultline_query_projection_stalled`) next to the lag the harness measures
// itself: live high watermark (Kafka admin API) − the next offset the projector has yet to handle,
// which is the group's committed offset or, when further, the read model's own checkpoint (the
// last offset whose effect the read database committed). Records applied while the group cannot
// commit offsets (its coordinator's partition has no ISR) are handled, not lag. A consumer that is
// stalled while it reports ready and lag 0 is then visible in the samples.
import { harnessKafka } from '../environment/harnessKafka.ts';
import type mysql from 'mysql2/promise';
import type { TelemetrySample } from '../checkers/types.ts';
import type { EnvAddresses, SystemUrls } from '../environment/types.ts';
import { metricSum, parsePrometheus, type MetricValues } from '../record/metrics.ts';
import { TOPIC } from '../../system/shared/events.ts';
import { every } from './every.ts';
import { connectAdmin } from '../observe/finalState.ts';

/**
 * Lag per partition = high watermark − the next offset to handle: the committed offset, or the
 * read model's checkpoint + 1 when that is further; a partition with neither counts from its low
 * watermark.
 */
export function measuredLag(
  ends: readonly { partition: number; high: string; low: string }[],
  committed: readonly { partition: number; offset: string }[],
  checkpoints: readonly { partition: number; lastOffset: string }[] = [],
): number {
  let lag = 0;
  for (const e of ends) {
    const c = committed.find((x) => x.partition === e.partition);
    const k = checkpoints.find((x) => x.partition === e.partition);
    const from = Math.max(Number(e.low), c ? Number(c.offset) : -1, k ? Number(k.lastOffset) + 1 : -1);
    lag += Math.max(0, Number(e.high) - from);
  }
  return lag;
}

/**
 * The system's report of the projector's lag: the query API's figure (its `lag`, else its
 * per-partition figures summed). null: no answer, or the query API says the lag is unknown (it
 * could not read the live high watermarks), which is not a claim of lag 0.
 */
export function reportedLag(status: unknown): number | null {
  const s = status as { lag?: unknown; partitions?: { lag?: unknown }[] } | null;
  if (s?.lag === 'unknown') return null;
  const parts = s?.partitions;
  if (!Array.isArray(parts)) return null;
  if (parts.some((p) => typeof p.lag !== 'number')) return null;
  return parts.reduce((n, p) => n + (p.lag as number), 0);
}

export function stalledOf(metrics: MetricValues | undefined, name = 'faultline_projector_stalled'): boolean | null {
  if (!metrics || !Object.keys(metrics).some((k) => k.startsWith(name))) return null;
  return metricSum(metrics, name) > 0;
}

/** The sum of a metric's series, or null when it has none (`name` exactly, labels aside). */
export function seriesSum(metrics: MetricValues, name: string): number | null {
  const series = Object.keys(metrics).filter((k) => k === name || k.startsWith(`${name}{`));
  return series.length === 0 ? null : metricSum(metrics, name);
}

export interface TelemetryProbes {
  ready(url: string): Promise<{ ready: boolean | null; reason?: string; instance?: string }>;
  json(url: string): Promise<unknown>;
  metrics(url: string): Promise<MetricValues | undefined>;
  lag(): Promise<number | null>;
}

const PROCESS_URLS: readonly [string, keyof SystemUrls][] = [
  ['command-service', 'commandServiceDirect'],
  ['relay', 'relay'],
  ['projector', 'projector'],
  ['query-api', 'queryApi'],
];

/**
 * One round of samples: one per process. The projector's carries its own lag next to the measured
 * one; the query API's carries what `/projection/status` and its stalled gauge say about the
 * projection (judged against the same measurement and the projector's applied count: an API that
 * says ready and lag 0, or not stalled, over a dead projector lies as much as the projector would).
 */
export async function sampleTelemetry(urls: SystemUrls, probes: TelemetryProbes, atMs: number): Promise<TelemetrySample[]> {
  const shared = Promise.all([
    probes.json(`${urls.queryApi}/projection/status`),
    probes.metrics(`${urls.projector}/metrics`),
    probes.metrics(`${urls.queryApi}/metrics`),
    probes.lag(),
  ]);
  return Promise.all(
    PROCESS_URLS.map(async ([process, key]): Promise<TelemetrySample> => {
      const r = await probes.ready(`${urls[key]}/health/ready`);
      const base = {
        atMs,
        process,
        ready: r.ready,
        ...(r.reason ? { readyReason: r.reason } : {}),
        ...(r.instance ? { instance: r.instance } : {}),
      };
      if (process !== 'projector' && process !== 'query-api') return { ...base, reportedLag: null, measuredLag: null };
      const [status, metrics, apiMetrics, lag] = await shared;
      const appliedCount = metrics ? metricSum(metrics, 'faultline_projector_applied_total') : null;
      if (process === 'query-api') {
        return {
          ...base,
          reportedLag: reportedLag(status),
          reportedStalled: stalledOf(apiMetrics, 'faultline_query_projection_stalled'),
          measuredLag: lag,
          appliedCount,
          ...(apiMetrics
            ? {
                gaugeLag: seriesSum(apiMetrics, 'faultline_query_projection_lag'),
                gaugeLagUnknown: stalledOf(apiMetrics, 'faultline_query_projection_lag_unknown'),
              }
            : {}),
        };
      }
      // The projector's own lag gauge when it exports one, else the query API's figures.
      const own =
        metrics && Object.keys(metrics).some((k) => k.startsWith('faultline_projector_lag'))
          ? metricSum(metrics, 'faultline_projector_lag')
          : null;
      return {
        ...base,
        reportedLag: own ?? reportedLag(status),
        reportedStalled: stalledOf(metrics),
        measuredLag: lag,
        appliedCount,
      };
    }),
  );
}

export function liveProbes(env: EnvAddresses, groupId = 'projector'): TelemetryProbes & { close(): Promise<void> } {
  const admin = harnessKafka(env, 'faultline-telemetry').admin();
  const connected = admin.connect().then(
    () => true,
    () => false,
  );
  const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(250) });
  // The read model's checkpoints, through one admin connection made again after a failure; none
  // when the read database does not answer (the committed offsets alone then).
  let db: Promise<mysql.Connection> | null = null;
  const checkpoints = async (): Promise<{ partition: number; lastOffset: string }[]> => {
    try {
      db ??= connectAdmin(env.mariadb.queries, { connectTimeoutMs: 500 });
      const [rows] = await (
        await db
      ).query<mysql.RowDataPacket[]>({
        sql: 'SELECT kafka_partition, last_offset FROM projection_checkpoint WHERE group_id = ? AND topic = ?',
        values: [groupId, TOPIC],
        timeout: 250,
      });
      return rows.map((r) => ({ partition: Number(r.kafka_partition), lastOffset: String(r.last_offset) }));
    } catch {
      const broken = db;
      db = null;
      void broken?.then((c) => c.destroy()).catch(() => undefined);
      return [];
    }
  };
  return {
    async ready(url) {
      try {
        const res = await get(url);
        const body = (await res.json().catch(() => ({}))) as { failed?: unknown; instance?: unknown };
        const instance = typeof body.instance === 'string' ? { instance: body.instance } : {};
        if (res.ok) return { ready: true, ...instance };
        return { ready: false, reason: JSON.stringify(body.failed ?? res.status), ...instance };
      } catch {
        return { ready: null };
      }
    },
    json: (url) =>
      get(url).then(
        (r) => (r.ok ? r.json() : null),
        () => null,
      ),
    metrics: (url) =>
      get(url).then(
        async (r) => (r.ok ? parsePrometheus(await r.text()) : undefined),
        () => undefined,
      ),
    async lag() {
      if (!(await connected)) return null;
      try {
        // The checkpoints are read after the offsets: a record applied in between makes the lag
        // smaller, never a stall out of nothing.
        const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(TOPIC), admin.fetchOffsets({ groupId, topics: [TOPIC] })]);
        return measuredLag(ends, committed?.partitions ?? [], await checkpoints());
      } catch {
        return null;
      }
    },
    close: async () => {
      if (await connected) await admin.disconnect().catch(() => undefined);
      await db?.then((c) => c.end()).catch(() => undefined);
    },
  };
}

/**
 * Each probe's answer within `ms`, else `late`: a probe stuck on a frozen server (a connect that
 * never completes, a broker request that waits its whole timeout) must not stall the sampler for
 * the very faults whose telemetry matters most.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late), ms)))]).finally(() => clearTimeout(timer));
}

/** Probes that each answer within `ms` (a late one counts as no answer). */
export function boundedProbes(p: TelemetryProbes, ms = 1_000): TelemetryProbes {
  return {
    ready: (url) => withDeadline(p.ready(url), ms, { ready: null }),
    json: (url) => withDeadline(p.json(url), ms, null),
    metrics: (url) => withDeadline(p.metrics(url), ms, undefined),
    lag: () => withDeadline(p.lag(), ms, null),
  };
}

export function startTelemetry(o: { urls: SystemUrls; probes: TelemetryProbes; now: () => number; everyMs?: number }) {
  const samples: TelemetrySample[] = [];
  const probes = boundedProbes(o.probes);
  const ticker = every(o.everyMs ?? 300, async () => {
    samples.push(...(await sampleTelemetry(o.urls, probes, o.now())));
  });
  return {
    samples,
    stop: async () => {
      await ticker.stop();
      return samples;
    },
  };
}
