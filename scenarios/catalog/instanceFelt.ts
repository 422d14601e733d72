// Non-vacuity checks for several instances of one process (relay#2, projector#3), read from the
// per-instance samples: a kill or a freeze of one instance while the others kept working, a
// consumer-group rebalance around a live member, a member that joined mid-run.
import { metricSum } from '../record/metrics.ts';
import type { Sample } from '../record/types.ts';
import type { Felt, Observations } from './types.ts';

type Target = keyof Sample['pids'];
const metricsOf = (s: Sample, t: string) => s.metrics[t as Target];
const pidOf = (s: Sample, t: string) => s.pids[t as Target];

/** Every instance target the samples saw answer, of one process ('relay', 'relay#2', …). */
export function instancesIn(o: Observations, process: 'relay' | 'projector'): string[] {
  const names = new Set<string>();
  for (const s of o.samples) for (const k of Object.keys(s.metrics)) if (k === process || k.startsWith(`${process}#`)) names.add(k);
  return [...names].sort();
}

/** A stretch of samples in which `target` did not answer, between two in which it did. */
interface Gap {
  before: number; // index of the last answering sample before the gap
  after: number; // index of the first answering sample after it
}

export function silences(samples: readonly Sample[], target: string): Gap[] {
  const gaps: Gap[] = [];
  let last = -1;
  for (let i = 0; i < samples.length; i++) {
    if (metricsOf(samples[i]!, target) === undefined) continue;
    if (last >= 0 && i - last > 1) gaps.push({ before: last, after: i });
    last = i;
  }
  return gaps;
}

/** Another instance's counter rose within the gap, between two of its samples under one pid. */
function othersRose(o: Observations, process: 'relay' | 'projector', target: string, gap: Gap, metric: string): boolean {
  const span = o.samples.slice(gap.before, gap.after + 1);
  return instancesIn(o, process).some((other) => {
    if (other === target) return false;
    const seen = span.filter((s) => metricsOf(s, other) !== undefined);
    return seen.some(
      (s, i) =>
        i > 0 &&
        pidOf(s, other) === pidOf(seen[i - 1]!, other) &&
        metricSum(metricsOf(s, other), metric) > metricSum(metricsOf(seen[i - 1]!, other), metric),
    );
  });
}

/**
 * One instance was killed (it came back under another pid) or frozen (same pid, silent for at
 * least `minMs`), and meanwhile another instance's `metric` rose: the others kept working.
 */
export const downWhileOthersWorked = (
  process: 'relay' | 'projector',
  how: 'killed' | 'frozen',
  metric: string,
  minMs = 0,
  describe = `a ${process} was ${how === 'killed' ? 'killed and restarted' : `frozen for ≥ ${minMs} ms`} while another ${process} kept going (${metric} rose)`,
): Felt => ({
  describe,
  check: (o) =>
    instancesIn(o, process).some((t) =>
      silences(o.samples, t).some((g) => {
        const [a, b] = [o.samples[g.before]!, o.samples[g.after]!];
        const samePid = pidOf(a, t) !== undefined && pidOf(a, t) === pidOf(b, t);
        if (how === 'killed' ? samePid : !samePid || b.ms - a.ms < minMs) return false;
        return othersRose(o, process, t, g, metric);
      }),
    ),
});

/** Every instance of the process saw `metric` rise: all of them took part. */
export const everyInstanceRose = (process: 'relay' | 'projector', metric: string, atLeast: number, describe: string): Felt => ({
  describe,
  check: (o) => {
    const all = instancesIn(o, process);
    return (
      all.length >= atLeast &&
      all.every((t) => {
        const v = o.samples.filter((s) => metricsOf(s, t) !== undefined).map((s) => metricSum(metricsOf(s, t), metric));
        return v.some((x, i) => i > 0 && x > v[i - 1]!);
      })
    );
  },
});

const GROUP_JOINS = 'faultline_projector_group_joins_total';
const ASSIGNED = 'faultline_projector_assigned_partitions';

/** Some projector joined the group again under the same pid: a rebalance around a live member. */
export const rebalancedAroundLiveMember = (
  describe = 'the consumer group rebalanced around a live projector (its group joins rose under one pid)',
  only?: string,
): Felt => ({
  describe,
  check: (o) =>
    instancesIn(o, 'projector')
      .filter((t) => only === undefined || t === only)
      .some((t) => {
        const seen = o.samples.filter((s) => metricsOf(s, t) !== undefined);
        return seen.some(
          (s, i) =>
            i > 0 &&
            pidOf(s, t) === pidOf(seen[i - 1]!, t) &&
            metricSum(metricsOf(s, t), GROUP_JOINS) > metricSum(metricsOf(seen[i - 1]!, t), GROUP_JOINS),
        );
      }),
});

const PROJECTOR = /^projector(#\d+)?$/;

/**
 * When the first fault that must re-form the projector group began (history ms): a member killed
 * or restarted, one that died at a crash point, or the offset rewind that stops them all.
 */
export function groupChangingFaultAt(o: Observations): number | undefined {
  const starts = o.faults
    .filter(
      (f) =>
        !f.error &&
        (((f.fault === 'kill' || f.fault === 'restart') && PROJECTOR.test(f.target)) ||
          (f.fault === 'duplicate' && f.target === 'projector')),
    )
    .map((f) => f.start.ms);
  const crashes = (o.history ?? []).filter((e) => e.type === 'crash' && PROJECTOR.test(e.target)).map((e) => e.t.ms);
  const all = [...starts, ...crashes];
  return all.length > 0 ? Math.min(...all) : undefined;
}

/**
 * A projector joined the group at or after `fromMs` (history ms): its group joins rose between two
 * samples under one pid, both taken from `fromMs` on (so the joins of the group forming at start-up
 * do not count), or it answered from `fromMs` on under a new pid, having joined.
 */
export function groupJoinedAfter(o: Observations, fromMs: number): boolean {
  const at = (s: Sample) => o.samplerStartMs + s.ms;
  return instancesIn(o, 'projector').some((t) => {
    const seen = o.samples.filter((s) => metricsOf(s, t) !== undefined);
    return seen.some((s, i) => {
      const prev = seen[i - 1];
      if (at(s) < fromMs) return false;
      const joins = metricSum(metricsOf(s, t), GROUP_JOINS);
      if (prev === undefined || pidOf(s, t) !== pidOf(prev, t)) return joins > 0;
      return at(prev) >= fromMs && joins > metricSum(metricsOf(prev, t), GROUP_JOINS);
    });
  });
}

/** After a fault that must re-form the consumer group, a projector joined it again: a new generation. */
export const groupGenerationChanged: Felt = {
  describe:
    'if a projector was killed, restarted, crashed at a point or stopped by an offset rewind: a projector joined the group afterwards (a new generation)',
  check: (o) => {
    const from = groupChangingFaultAt(o);
    return from === undefined || groupJoinedAfter(o, from);
  },
};

/** A projector instance that was not running at the start was given partitions later. */
export const memberJoinedMidRun = (target: string): Felt => ({
  describe: `${target} joined the running group mid-run and was given partitions`,
  check: (o) => {
    const first = o.samples.findIndex((s) => metricsOf(s, target) !== undefined);
    return first > 0 && o.samples.slice(first).some((s) => metricSum(metricsOf(s, target), ASSIGNED) > 0);
  },
});

/** A counter of one instance rose between two of its samples under one pid (a restart resets it). */
export const counterRoseOn = (target: string, metric: string, describe = `${target}: ${metric} increased`): Felt => ({
  describe,
  check: (o) => {
    const seen = o.samples.filter((s) => metricsOf(s, target) !== undefined);
    return seen.some(
      (s, i) =>
        i > 0 &&
        pidOf(s, target) === pidOf(seen[i - 1]!, target) &&
        metricSum(metricsOf(s, target), metric) > metricSum(metricsOf(seen[i - 1]!, target), metric),
    );
  },
});
