// The fault schedules of random-scale-out, drawn by fast-check from the seed on three brokers, two
// relays and three projectors: broker role faults, process faults on every relay and projector
// instance, link faults, lost answers and duplicates. Valid by construction (conflicting faults
// are dropped in a map, which keeps shrinking) and replayable: one seed (and path) is one schedule.
import fc from 'fast-check';
import { instanceName } from '../environment/targets.ts';
import { dropConflicts, faultOfKindArb, type ScheduleArbOptions } from '../faults/arbitraries.ts';
import { networkFamily } from '../faults/networkFamily.ts';
import type { Fault, FaultKind, FaultSchedule } from '../faults/types.ts';
import type { Topology } from './types.ts';

export const SCALE_OUT_TOPOLOGY = { brokers: 3, relays: 2, projectors: 3, partitions: 6 } as const satisfies Topology;

/** Every relay and projector instance of the topology ('relay', 'relay#2', 'projector', …). */
export const INSTANCE_TARGETS: readonly string[] = [
  ...Array.from({ length: SCALE_OUT_TOPOLOGY.relays }, (_, i) => instanceName('relay', i + 1)),
  ...Array.from({ length: SCALE_OUT_TOPOLOGY.projectors }, (_, i) => instanceName('projector', i + 1)),
];

export const BROKER_KINDS = ['kill-leader', 'kill-controller', 'cut-replication', 'restart-leader'] as const satisfies readonly FaultKind[];
export const INSTANCE_KINDS = ['kill', 'pause', 'restart', 'crash-point'] as const satisfies readonly FaultKind[];
const LINK_KINDS = Object.keys(networkFamily.kinds) as FaultKind[];

/** Every fault ends by then; broker restarts (10–20 s on 2 cores) may push the last heal later. */
export const HORIZON_MS = 20_000;

// A broker is down for at least 2 s (long enough for its leaders and the controller to move) and
// at most 6 s; an instance fault may outlast the projectors' 6 s session timeout (a paused member
// evicted, a zombie when it wakes); the other faults stay short, as in random-schedule.
const BROKER: ScheduleArbOptions = { horizonMs: HORIZON_MS, minDurationMs: 2_000, maxDurationMs: 6_000 };
const INSTANCE: ScheduleArbOptions = { horizonMs: HORIZON_MS, minDurationMs: 500, maxDurationMs: 8_000, processTargets: INSTANCE_TARGETS };
const OTHER: ScheduleArbOptions = { horizonMs: HORIZON_MS, minDurationMs: 500, maxDurationMs: 4_000 };

const oneOfKinds = (kinds: readonly FaultKind[], o: ScheduleArbOptions) => fc.oneof(...kinds.map((k) => faultOfKindArb(k, o)));

/**
 * How long an offset rewind (`duplicate` on the projector) holds the whole group: it kills every
 * member, waits for the group to empty past the 6 s session timeout, sets the offsets and restarts
 * them all. Its fault is instantaneous, so the schedule's conflict rule cannot see this.
 */
export const REWIND_HOLD_MS = 15_000;

const PROCESS_KINDS: readonly string[] = [...INSTANCE_KINDS, 'pause-point'];
const isRewind = (f: Fault) => f.fault === 'duplicate' && f.target === 'projector';
const onProjector = (f: Fault) => PROCESS_KINDS.includes(f.fault) && /^projector(#\d+)?$/.test(f.target);

/**
 * Drops a rewind whose hold overlaps a process fault on any projector instance: the rewind would
 * kill a member another fault holds dead, paused or armed (a nemesis error, not a system one).
 */
export function dropRewindsOverProjectors(s: FaultSchedule): FaultSchedule {
  return s.filter((f) => !isRewind(f) || !s.some((g) => onProjector(g) && g.at <= f.at + REWIND_HOLD_MS && f.at <= g.at + g.duration));
}

/**
 * 1–2 broker role faults, 1–4 instance faults and up to 2 others (a link fault, a lost answer or a
 * duplicate, in equal shares); the earlier group wins a conflict, so the first broker fault and the
 * first instance fault always stay. Every run (minutes on three brokers) faults both the cluster
 * and an instance; a shrunk counterexample keeps one of each.
 */
export const scaleOutScheduleArb: fc.Arbitrary<FaultSchedule> = fc
  .tuple(
    fc.array(oneOfKinds(BROKER_KINDS, BROKER), { minLength: 1, maxLength: 2 }),
    fc.array(oneOfKinds(INSTANCE_KINDS, INSTANCE), { minLength: 1, maxLength: 4 }),
    fc.array(fc.oneof(oneOfKinds(LINK_KINDS, OTHER), faultOfKindArb('lost-ack', OTHER), faultOfKindArb('duplicate', OTHER)), {
      maxLength: 2,
    }),
  )
  .map(([broker, instance, other]) => dropRewindsOverProjectors(dropConflicts([...broker, ...instance, ...other])));

/** The schedule a seed names (the first value fast-check's search draws from the same seed). */
export function scaleOutSchedule(seed: number): FaultSchedule {
  return fc.sample(scaleOutScheduleArb, { seed, numRuns: 1 })[0]!;
}
