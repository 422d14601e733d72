// How faithfully the schedule was played. On an overloaded machine timers fire late and proxy
// calls queue: a window meant to hold 2 s holds 4, the gap before the next one vanishes, and a
// premise such as "the outage is shorter than the retry budget" no longer holds. The verdict
// stays what the history shows; the drift says when to read it with the machine in mind.
import type { FaultWindow } from '../history/types.ts';

export interface ScheduledFault {
  at: number;
  duration: number;
}

export interface ScheduleDrift {
  /** The largest lateness or extra hold of any window (ms). */
  maxMs: number;
  /** Which window and how, for the report; absent when there was nothing to compare. */
  worst?: string;
}

/**
 * Compares played windows with the schedule: extra hold (stop − start − duration) and late start
 * relative to the least late window (the schedule's own start is not in the history). Only
 * windows whose start and heal are a quick call count (`timed`, e.g. link toxics): a process
 * fault's heal waits for the restart, and one process's faults queue behind each other by design.
 */
export function scheduleDrift(
  schedule: readonly ScheduledFault[],
  windows: readonly FaultWindow[],
  timed: (fault: string) => boolean = () => true,
): ScheduleDrift {
  const played = windows.filter((w) => schedule[w.faultId] !== undefined && timed(w.fault));
  if (played.length === 0) return { maxMs: 0 };
  const offset = Math.min(...played.map((w) => w.start.ms - schedule[w.faultId]!.at));
  let maxMs = 0;
  let worst: string | undefined;
  const consider = (ms: number, what: string) => {
    if (ms > maxMs) [maxMs, worst] = [ms, what];
  };
  for (const w of played) {
    const f = schedule[w.faultId]!;
    const label = `fault ${w.faultId} (${w.fault} ${w.target})`;
    consider(w.start.ms - f.at - offset, `${label} started ${fmt(w.start.ms - f.at - offset)} late`);
    if (w.stop && f.duration > 0) {
      const held = w.stop.ms - w.start.ms;
      consider(held - f.duration, `${label} held ${fmt(held)} instead of ${fmt(f.duration)}`);
    }
  }
  return { maxMs: Math.round(maxMs), ...(worst ? { worst } : {}) };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
