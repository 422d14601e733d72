// Samples the system every ~250 ms while a scenario runs: each process's Prometheus metrics and
// pid. Non-vacuity checks ("the fault was felt") and the reports' timelines read these samples.
import type { SystemUrls } from '../environment/types.ts';
import { SYSTEM_PROCESSES, systemProcessPid, type SystemProcess } from '../environment/system.ts';
import { parsePrometheus } from '../record/metrics.ts';
import type { Sample } from '../record/types.ts';

const URL_OF: Record<SystemProcess, keyof SystemUrls> = {
  'command-service': 'commandServiceDirect',
  relay: 'relay',
  projector: 'projector',
  'query-api': 'queryApi',
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
    await Promise.all(
      SYSTEM_PROCESSES.map(async (p) => {
        const pid = systemProcessPid(p);
        if (pid !== undefined) s.pids[p] = pid;
        try {
          const res = await fetch(`${urls[URL_OF[p]]}/metrics`, { signal: AbortSignal.timeout(Math.max(200, everyMs - 20)) });
          if (res.ok) s.metrics[p] = parsePrometheus(await res.text());
        } catch {
          /* down, paused or cut off: the gap in the samples is the observation */
        }
      }),
    );
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
