// Samples the system every ~250 ms while a scenario runs: each process's Prometheus metrics and
// pid. Non-vacuity checks ("the fault was felt") and the reports' timelines read these samples.
import type { SystemUrls } from '../environment/types.ts';
import { SYSTEM_PROCESSES, systemProcessPid, type SystemProcess } from '../environment/system.ts';

export type MetricValues = Record<string, number>; // `name{label="v",…}` → value

export interface Sample {
  ms: number; // since the sampler started
  pids: Partial<Record<SystemProcess, number>>;
  metrics: Partial<Record<SystemProcess, MetricValues>>;
}

/** Parses Prometheus text exposition into `name{labels}` → value (labels as printed). */
export function parsePrometheus(text: string): MetricValues {
  const out: MetricValues = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^\s{]+(?:\{.*\})?)\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (!Number.isNaN(v)) out[m[1]!] = v;
  }
  return out;
}

/** Sum of a metric over all its label sets (`name` or `name{…}`). */
export function metricSum(values: MetricValues | undefined, name: string): number {
  if (!values) return 0;
  let sum = 0;
  for (const [k, v] of Object.entries(values)) if (k === name || k.startsWith(`${name}{`)) sum += v;
  return sum;
}

const URL_OF: Record<SystemProcess, keyof SystemUrls> = {
  'command-service': 'commandServiceDirect', relay: 'relay', projector: 'projector', 'query-api': 'queryApi',
};

export function startSampler(urls: SystemUrls, everyMs = 250): { stop(): Sample[]; samples: Sample[] } {
  const t0 = Date.now();
  const samples: Sample[] = [];
  let stopped = false;
  let busy = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    const s: Sample = { ms: Date.now() - t0, pids: {}, metrics: {} };
    await Promise.all(SYSTEM_PROCESSES.map(async (p) => {
      const pid = systemProcessPid(p);
      if (pid !== undefined) s.pids[p] = pid;
      try {
        const res = await fetch(`${urls[URL_OF[p]]}/metrics`, { signal: AbortSignal.timeout(Math.max(200, everyMs - 20)) });
        if (res.ok) s.metrics[p] = parsePrometheus(await res.text());
      } catch {
        /* down, paused or cut off: the gap in the samples is the observation */
      }
    }));
    samples.push(s);
    busy = false;
  };
  const timer = setInterval(() => void tick(), everyMs);
  void tick();
  return {
    samples,
    stop() {
      stopped = true;
      clearInterval(timer);
      return samples;
    },
  };
}
