// Building blocks for non-vacuity checks, read from the samples, the history and the final state.
import { metricSum } from '../record/metrics.ts';
import type { SystemProcess } from '../environment/system.ts';
import type { Felt, Observations } from './types.ts';
import { INSTANT_FAULTS } from '../faults/registry.ts';

const values = (o: Parameters<Felt['check']>[0], p: SystemProcess, metric: string) =>
  o.samples.filter((s) => s.metrics[p] !== undefined).map((s) => metricSum(s.metrics[p], metric));

/** A counter went up during the run (counters restart at 0 when the process restarts: any rise counts). */
export const counterRose = (p: SystemProcess, metric: string, describe = `${p}: ${metric} increased`): Felt => ({
  describe,
  check: (o) => {
    const v = values(o, p, metric);
    return v.some((x, i) => i > 0 && x > v[i - 1]!) || (v.length > 0 && v[0]! > 0 && v.length === 1);
  },
});

/** How much a counter rose over the samples; a drop is a restart, after which the counter counts from 0. */
export function counterRise(v: readonly number[]): number {
  let rise = 0;
  for (let i = 1; i < v.length; i++) rise += v[i]! >= v[i - 1]! ? v[i]! - v[i - 1]! : v[i]!;
  return rise;
}

/**
 * A counter rose by more than `explained(o)` counts for: what is left was caused by the fault (e.g.
 * replays beyond the workload's own deliberate re-sends can only come from retried attempts).
 */
export const counterRoseBeyond = (p: SystemProcess, metric: string, explained: (o: Observations) => number, describe: string): Felt => ({
  describe,
  check: (o) => counterRise(values(o, p, metric)) > explained(o),
});

/** A gauge exceeded a threshold at some sample. */
export const gaugeAbove = (
  p: SystemProcess,
  metric: string,
  threshold: number,
  describe = `${p}: ${metric} rose above ${threshold}`,
): Felt => ({
  describe,
  check: (o) => values(o, p, metric).some((x) => x > threshold),
});

/** The process ran under more than one pid: it was killed or restarted. */
export const restarted = (p: SystemProcess): Felt => ({
  describe: `${p} was restarted (its pid changed)`,
  check: (o) => new Set(o.samples.map((s) => s.pids[p]).filter((x) => x !== undefined)).size > 1,
});

/** `target` died at the named crash point (the history's crash entries: the harness saw it fire). */
export const crashPointFired = (target: string, point: string): Felt => ({
  describe: `${target} died at ${point}`,
  check: (o) => (o.history ?? []).some((e) => e.type === 'crash' && e.target === target && e.point === point),
});

/** Some samples could not reach the process's metrics: it was down or frozen. */
export const unreachable = (p: SystemProcess): Felt => ({
  describe: `${p} stopped answering for a while`,
  check: (o) => o.samples.some((s) => s.metrics[p] === undefined) && o.samples.some((s) => s.metrics[p] !== undefined),
});

export const clientsSawErrors: Felt = {
  describe: 'clients saw failed or unknown commands',
  check: (o) => o.ops.some((op) => op.outcome !== 'ok'),
};

export const dlqRecordAppeared: Felt = {
  describe: 'a record appeared in the dead-letter topic',
  check: (o) => o.final.topics.dlq.length > 0,
};

export const duplicatesOnTopic: Felt = {
  describe: 'the topic carries an event id more than once',
  check: (o) => {
    const ids = o.final.topics.events.map((r) => r.headers['event-id']).filter(Boolean);
    return new Set(ids).size < ids.length;
  },
};

export const faultsApplied: Felt = {
  describe: 'every scheduled fault was applied and healed without a nemesis error',
  check: (o) =>
    o.faults.length > 0 && o.faults.every((f) => !f.error && (f.stop !== null || (INSTANT_FAULTS as readonly string[]).includes(f.fault))),
};

/**
 * A claim asked only of runs whose schedule drew a fault `drawn` picks (generated schedules vary by
 * seed): with such a fault applied, `felt` must hold; without one, there is nothing to feel.
 */
export const whenApplied = (drawn: (f: Observations['faults'][number]) => boolean, what: string, felt: Felt): Felt => ({
  describe: `if ${what}: ${felt.describe}`,
  check: (o) => !o.faults.some((f) => !f.error && drawn(f)) || felt.check(o),
});

/** At least one of several signs (e.g. the relay's in outbox mode, the command service's in dual-write). */
export const anyOf = (...fs: Felt[]): Felt => ({
  describe: fs.map((f) => f.describe).join(' OR '),
  check: (o) => fs.some((f) => f.check(o)),
});

/** Some command took at least this long (a slow link was felt by the clients). */
export const slowCommand = (ms: number): Felt => ({
  describe: `some command took ≥ ${ms} ms`,
  check: (o) => o.ops.some((op) => op.complete !== null && op.complete.ms - op.invoke.ms >= ms),
});

/**
 * The projector applied nothing for a while although commands were being accepted (from the
 * history, so it holds in dual-write too, where no relay runs).
 */
export const projectorStalled = (ms: number): Felt => ({
  describe: `projector applied nothing for ≥ ${ms} ms while commands were accepted`,
  check: (o) => {
    const at = (sampleMs: number) => o.samplerStartMs + sampleMs; // sample time on the history clock
    const s = o.samples.filter((x) => x.metrics.projector);
    const applied = (k: number) => metricSum(s[k]!.metrics.projector, 'faultline_projector_applied_total');
    const okBetween = (a: number, b: number) =>
      o.ops.some((op) => op.outcome === 'ok' && op.complete !== null && op.complete.ms >= at(a) && op.complete.ms <= at(b));
    for (let i = 0; i < s.length; i++) {
      for (let j = i + 1; j < s.length && s[j]!.ms - s[i]!.ms <= ms * 3; j++) {
        if (s[j]!.ms - s[i]!.ms >= ms && applied(j) === applied(i) && okBetween(s[i]!.ms, s[j]!.ms)) return true;
      }
    }
    return false;
  },
});
