// The rate the e2e and cpu phases run at: half the write phase's maximum, or half of what a 3 s
// probe accepts when the write phase did not run (and a note saying so).
import { runLoad } from '../load/runLoad.ts';
import type { Sizes } from './phase.ts';
import type { Running } from './systemControl.ts';

export async function halfMaxRate(
  env: Running,
  s: Sizes,
  maxRate: number | undefined,
  notes: string[],
): Promise<{ rate: number; max: number }> {
  let max = maxRate;
  if (max === undefined || !(max > 0)) {
    max = (await runLoad({ url: env.system.commandServiceDirect, durationS: 3, connections: s.connections })).acceptedPerSecond;
    notes.push(`maximum rate measured by a 3 s probe (${max}/s): the write phase did not run`);
  }
  return { rate: Math.max(1, Math.floor(max / 2)), max };
}
