// Samples the system every ~250 ms while a scenario runs: each process's Prometheus metrics and
// pid. Non-vacuity checks ("the fault was felt") and the reports' timelines read these samples.
import type { SystemUrls } from '../environment/types.ts';
import { SYSTEM_PROCESSES, systemProcessPid, type SystemProcess } from '../environment/system.ts';
import { parsePrometheus, type MetricValues } from '../record/metrics.ts';
import type { InstanceTarget, Sample } from '../record/types.ts';

type SampledTarget = SystemProcess | InstanceTarget;

const URL_OF: Record<SystemProcess, keyof SystemUrls> = {
  'command-service': 'commandServiceDirect',
  relay: 'relay',
  projector: 'projector',
  'query-api': 'queryApi',
};

/**
 * What a sample keeps: the system's own series, without histogram buckets and the runtime's
 * process/nodejs gauges, which nothing reads and which would be half of every run's samples.json.
 */
export function keptMetrics(all: MetricValues): MetricValues {
  const out: MetricValues = {};
  for (const [k, v] of Object.entries(all)) {
    const name = k.replace(/\{.*/, '');
    if (name.endsWith('_bucket') || name.startsWith('faultline_process_') || name.startsWith('faultline_nodejs_')) continue;
    out[k] = v;
  }
  return out;
}

/** What to sample, by target name: every started instance when the system lists them, else instance 1 of each. */
export function sampledTargets(urls: SystemUrls): [SampledTarget, string][] {
  if (urls.instances && Object.keys(urls.instances).length > 0) return Object.entries(urls.instances) as [SampledTarget, string][];
  return SYSTEM_PROCESSES.map((p) => [p, urls[URL_OF[p]] as string]);
}

/** How long a process may take to answer /metrics before the sample records it as silent. */
export const ANSWER_LIMIT_MS = 1500;

export function startSampler(urls: SystemUrls, everyMs = 250): { stop(): Sample[]; samples: Sample[]; finalSample(): Promise<Sample> } {
  const t0 = Date.now();
  const samples: Sample[] = [];
  const targets = sampledTargets(urls);
  let stopped = false;
  let busy = false;
  const take = async (): Promise<Sample> => {
    const s: Sample = { ms: Date.now() - t0, pids: {}, metrics: {} };
    await Promise.all(
      targets.map(async ([p, url]) => {
        const pid = systemProcessPid(p);
        if (pid !== undefined) s.pids[p] = pid;
        try {
          // A live process on a loaded 2-core machine may take ~1 s to answer: a shorter limit reads as "down".
          const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(ANSWER_LIMIT_MS) });
          if (res.ok) s.metrics[p] = keptMetrics(parsePrometheus(await res.text()));
        } catch {
          /* down, paused or cut off: the gap in the samples is the observation */
        }
      }),
    );
    return s;
  };
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    samples.push(await take());
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
    async finalSample() {
      return { ...(await take()), final: true };
    },
  };
}
