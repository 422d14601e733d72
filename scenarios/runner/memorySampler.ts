// Samples the resident memory of every server and system process once a second while a scenario
// runs (pids from the environment, RSS from /proc). One scan of /proc per tick: cheap beside the
// metrics sampler's HTTP calls. Where pids are not known here, it samples nothing and says why.
import { hostPids } from '../environment/hostPids.ts';
import { residentKb } from '../environment/processMemory.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { memoryPeaks, type MemorySample, type RunMemory } from '../record/memory.ts';

export const MEMORY_EVERY_MS = 1000;

export function startMemorySampler(
  env: EnvAddresses,
  systemTargets: readonly string[],
  now: () => number,
  everyMs = MEMORY_EVERY_MS,
): { stop(): { samples: MemorySample[]; memory: RunMemory } } {
  const samples: MemorySample[] = [];
  let unknown: string | undefined;
  const tick = () => {
    if (unknown !== undefined) return;
    try {
      const found = hostPids(env, systemTargets);
      if ('unknown' in found) {
        unknown = found.unknown;
        return;
      }
      samples.push({ ms: now(), rssKb: residentKb(found.pids) });
    } catch (err) {
      // No /proc (not Linux) or unreadable: no figure rather than a partial one.
      unknown = `resident memory could not be read: ${(err as Error).message}`;
    }
  };
  const timer = setInterval(tick, everyMs);
  tick();
  return {
    stop() {
      clearInterval(timer);
      if (unknown !== undefined) return { samples: [], memory: { unmeasured: unknown } };
      const peaks = memoryPeaks(samples, everyMs);
      return { samples, memory: peaks ?? { unmeasured: 'no process of the environment was running while it was sampled' } };
    },
  };
}
