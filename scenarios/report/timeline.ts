// Timeline series for one scenario × configuration, at the sampler's times, on the history clock
// (seconds since the run's first history entry): what the HTML report charts. Pure: data in, data out.
import { toFaultWindows, toOperations } from '../history/reader.ts';
import type { CommandOp, FaultWindow, HistoryEntry } from '../history/types.ts';
import type { MetricValues } from '../record/metrics.ts';
import type { Sample } from '../record/types.ts';

export interface Series {
  key: string;
  label: string;
  unit: string;
  values: (number | null)[]; // null: no data at that time (process down, no completions)
}

/** A fault whose apply took at least this long shows when it began as well. */
const SLOW_APPLY_MS = 500;

export interface FaultBand {
  label: string; // "down relay-kafka"
  startS: number;
  /** When applying began, where it took noticeably long (the fault may act from then). */
  beganS?: number;
  stopS: number | null; // null: never healed in the history
  error?: string;
}

/** How sample times were put on the history clock. */
export type Alignment = 'recorded' | 'first-invoke' | 'none';

export interface ScenarioTimeline {
  x: number[]; // seconds on the history clock
  alignment: Alignment;
  throughput: Series[]; // per second
  latency: Series[]; // ms
  backlog: Series[]; // outbox rows, lag records per partition, oldest age (s)
  dead: Series[]; // cumulative DLQ records and retries
  faults: FaultBand[];
  /** lastHealS: last fault stop in the history; convergedS: lastHeal + the runner's convergence time. */
  convergence: { ms: number | null | undefined; lastHealS: number | null; convergedS: number | null };
}

export interface TimelineInput {
  entries: readonly HistoryEntry[];
  samples: readonly Sample[];
  /** History-clock ms of the sampler's start, when the runner recorded it (samples.json `startMs`). */
  samplerStartMs?: number;
  convergenceMs?: number | null;
}

const WINDOW_MS = 1000; // latency percentiles and history rates over the last second
const GRID_MS = 250; // the sampler's period; used when there are no samples

/** `{a="1",b="x"}` → { a: '1', b: 'x' } */
export function labelsOf(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  const brace = key.indexOf('{');
  if (brace < 0) return out;
  for (const m of key.slice(brace).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Sum of `name` over label sets matching `where`; null when the process was not scraped or has no such metric. */
export function metricAt(values: MetricValues | undefined, name: string, where: Record<string, string> = {}): number | null {
  if (!values) return null;
  let sum = 0;
  let seen = false;
  for (const [k, v] of Object.entries(values)) {
    if (k !== name && !k.startsWith(`${name}{`)) continue;
    const labels = labelsOf(k);
    if (Object.entries(where).some(([l, want]) => labels[l] !== want)) continue;
    sum += v;
    seen = true;
  }
  return seen ? sum : null;
}

/**
 * Per-second rate of a counter. Across a gap (process down) the rate is taken from the last known
 * value; a drop means the process restarted and its counter began again at zero.
 */
export function counterRate(values: readonly (number | null)[], xS: readonly number[]): (number | null)[] {
  let prev: { v: number; x: number } | undefined;
  return values.map((v, i) => {
    if (v === null) return null;
    const x = xS[i]!;
    const p = prev;
    prev = { v, x };
    if (!p || x <= p.x) return null;
    const delta = v >= p.v ? v - p.v : v;
    return round(delta / (x - p.x));
  });
}

/** Nearest-rank percentile of an unsorted list; null for an empty one. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function faultBand(w: FaultWindow): FaultBand {
  return {
    label: `${w.fault} ${w.target}`,
    startS: round(w.start.ms / 1000),
    ...(w.began && w.start.ms - w.began.ms >= SLOW_APPLY_MS ? { beganS: round(w.began.ms / 1000) } : {}),
    stopS: w.stop ? round(w.stop.ms / 1000) : null,
    ...(w.error ? { error: w.error } : {}),
  };
}

/** Ops completed in (t - WINDOW_MS, t], for each t, via a sliding window over ops sorted by completion. */
function windows(ops: readonly CommandOp[], tMs: readonly number[]): CommandOp[][] {
  const done = ops.filter((o) => o.complete !== null).sort((a, b) => a.complete!.ms - b.complete!.ms);
  let lo = 0;
  let hi = 0;
  return tMs.map((t) => {
    while (hi < done.length && done[hi]!.complete!.ms <= t) hi++;
    while (lo < hi && done[lo]!.complete!.ms <= t - WINDOW_MS) lo++;
    return done.slice(lo, hi);
  });
}

function sampleOffset(input: TimelineInput, ops: readonly CommandOp[]): { offsetMs: number; alignment: Alignment } {
  if (input.samplerStartMs !== undefined) return { offsetMs: input.samplerStartMs, alignment: 'recorded' };
  // The runner starts the sampler right before the workload, whose first op goes out at once.
  const first = ops.reduce((m, o) => Math.min(m, o.invoke.ms), Infinity);
  return Number.isFinite(first) ? { offsetMs: first, alignment: 'first-invoke' } : { offsetMs: 0, alignment: 'none' };
}

function historyEnd(entries: readonly HistoryEntry[]): number {
  return entries.reduce((m, e) => Math.max(m, e.t.ms), 0);
}

export function buildTimeline(input: TimelineInput): ScenarioTimeline {
  const ops = toOperations(input.entries);
  const { offsetMs, alignment } = sampleOffset(input, ops);
  const samples = input.samples;
  const tMs = samples.length
    ? samples.map((s) => s.ms + offsetMs)
    : Array.from({ length: Math.floor(historyEnd(input.entries) / GRID_MS) + 1 }, (_, i) => i * GRID_MS);
  const x = tMs.map((t) => round(t / 1000));
  const metric = (process: keyof Sample['metrics'], name: string, where?: Record<string, string>) =>
    samples.map((s) => metricAt(s.metrics[process], name, where));

  const win = windows(ops, tMs);
  const latencies = win.map((w) => w.map((o) => o.complete!.ms - o.invoke.ms));
  const partitions = [
    ...new Set(
      samples.flatMap((s) =>
        Object.keys(s.metrics.projector ?? {})
          .filter((k) => k.startsWith('faultline_projector_lag{'))
          .map((k) => labelsOf(k).partition ?? '?'),
      ),
    ),
  ].sort((a, b) => Number(a) - Number(b));

  const faults = toFaultWindows(input.entries).map(faultBand);
  const stops = faults.map((f) => f.stopS).filter((s): s is number => s !== null);
  const lastHealS = stops.length ? Math.max(...stops) : null;
  const c = input.convergenceMs;

  const s = (key: string, label: string, unit: string, values: (number | null)[]): Series => ({ key, label, unit, values });
  return {
    x,
    alignment,
    throughput: [
      s(
        'accepted',
        'accepted commands/s (service)',
        '/s',
        counterRate(metric('command-service', 'faultline_commands_total', { outcome: 'accepted' }), x),
      ),
      s(
        'ok',
        'ok commands/s (workload)',
        '/s',
        win.map((w) => w.filter((o) => o.outcome === 'ok').length * (1000 / WINDOW_MS)),
      ),
      s('published', 'relay published/s', '/s', counterRate(metric('relay', 'faultline_relay_published_total'), x)),
      s('applied', 'projector applied/s', '/s', counterRate(metric('projector', 'faultline_projector_applied_total'), x)),
    ],
    latency: [
      s(
        'p50',
        'latency p50 (1 s window)',
        'ms',
        latencies.map((l) => percentile(l, 50)),
      ),
      s(
        'p99',
        'latency p99 (1 s window)',
        'ms',
        latencies.map((l) => percentile(l, 99)),
      ),
    ],
    backlog: [
      s('backlog', 'outbox backlog (rows)', 'rows', metric('relay', 'faultline_relay_outbox_backlog')),
      ...partitions.map((p) =>
        s(`lag-${p}`, `consumer lag p${p} (records)`, 'records', metric('projector', 'faultline_projector_lag', { partition: p })),
      ),
      s('oldest', 'oldest outbox row (s)', 's', metric('relay', 'faultline_relay_outbox_oldest_age_seconds')),
    ],
    dead: [
      s('dlq', 'dead-lettered (total)', 'records', metric('projector', 'faultline_projector_dlq_total')),
      s('retries', 'apply retries (total)', 'retries', metric('projector', 'faultline_projector_retries_total')),
      s('duplicates', 'duplicates skipped (total)', 'records', metric('projector', 'faultline_projector_duplicates_skipped_total')),
    ],
    faults,
    convergence: { ms: c, lastHealS, convergedS: lastHealS !== null && typeof c === 'number' ? round(lastHealS + c / 1000) : null },
  };
}
