// fast-check arbitraries of fault schedules. Valid by construction (conflicting faults are
// dropped in a map, which keeps shrinking: fewer faults, earlier `at`, shorter `duration`, milder params).
import fc from 'fast-check';
import type { LinkName } from '../environment/types.ts';
import { conflict } from './schedule.ts';
import {
  BUILTIN_POISON_CASES, DUPLICATE_TARGETS, FAULT_KINDS, INSTANT_FAULTS, LINKS, PROCESS_TARGETS,
  type Fault, type FaultKind, type FaultSchedule, type ParamsByFault, type ProcessTarget,
} from './types.ts';

export interface ScheduleArbOptions {
  horizonMs: number; // every fault ends by then
  maxFaults?: number;
  kinds?: readonly FaultKind[]; // default: all
  links?: readonly LinkName[];
  processTargets?: readonly ProcessTarget[];
  poisonCases?: readonly string[];
  minDurationMs?: number; // default 100
  maxDurationMs?: number; // default horizon / 2
}

const paramArbs: { [K in FaultKind]: (o: ScheduleArbOptions) => fc.Arbitrary<ParamsByFault[K]> } = {
  down: () => fc.constant({}),
  latency: () => fc.record({ latencyMs: fc.integer({ min: 0, max: 2_000 }), jitterMs: fc.integer({ min: 0, max: 500 }) }),
  bandwidth: () => fc.record({ rateKBps: fc.integer({ min: 1, max: 1_000 }) }),
  timeout: () => fc.record({ timeoutMs: fc.constantFrom(0, 1_000, 5_000) }),
  reset_peer: () => fc.record({ timeoutMs: fc.integer({ min: 0, max: 2_000 }) }),
  slicer: () => fc.record({ averageSize: fc.integer({ min: 1, max: 1_024 }), delayUs: fc.integer({ min: 0, max: 10_000 }) }),
  limit_data: () => fc.record({ bytes: fc.integer({ min: 0, max: 100_000 }) }),
  kill: () => fc.constant({}),
  pause: () => fc.constant({}),
  restart: () => fc.constant({}),
  duplicate: () => fc.record({ count: fc.integer({ min: 1, max: 50 }) }),
  poison: (o) => fc.record({ case: fc.constantFrom(...(o.poisonCases ?? BUILTIN_POISON_CASES)), count: fc.integer({ min: 1, max: 5 }) }),
};

function targetArb(kind: FaultKind, o: ScheduleArbOptions): fc.Arbitrary<string> {
  switch (kind) {
    case 'kill': case 'pause': case 'restart': return fc.constantFrom(...(o.processTargets ?? PROCESS_TARGETS));
    case 'duplicate': return fc.constantFrom(...DUPLICATE_TARGETS);
    case 'poison': return fc.constant('user-events');
    default: return fc.constantFrom(...(o.links ?? LINKS));
  }
}

/** One fault of the given kind, fitting in the horizon. */
export function faultOfKindArb(kind: FaultKind, o: ScheduleArbOptions): fc.Arbitrary<Fault> {
  const instant = INSTANT_FAULTS.includes(kind);
  const minD = instant ? 0 : Math.min(o.minDurationMs ?? 100, o.horizonMs);
  const maxD = instant ? 0 : Math.max(minD, Math.min(o.maxDurationMs ?? Math.floor(o.horizonMs / 2), o.horizonMs));
  return fc
    .record({
      at: fc.integer({ min: 0, max: o.horizonMs - minD }),
      target: targetArb(kind, o),
      duration: fc.integer({ min: minD, max: maxD }),
      params: paramArbs[kind](o) as fc.Arbitrary<unknown>,
    })
    .map(({ at, target, duration, params }) => ({ at, fault: kind, target, duration: Math.min(duration, o.horizonMs - at), params }) as Fault);
}

export function faultArb(o: ScheduleArbOptions): fc.Arbitrary<Fault> {
  const kinds = o.kinds ?? FAULT_KINDS;
  if (kinds.length === 0) throw new Error('faultArb: kinds must not be empty');
  return fc.oneof(...kinds.map((k) => faultOfKindArb(k, o)));
}

/** Keeps each fault that conflicts with none kept before it; sorted by `at`. */
export function dropConflicts(faults: readonly Fault[]): FaultSchedule {
  const kept: Fault[] = [];
  for (const f of faults) if (kept.every((k) => conflict(k, f) === null)) kept.push(f);
  return kept.sort((a, b) => a.at - b.at);
}

export function faultScheduleArb(o: ScheduleArbOptions): fc.Arbitrary<FaultSchedule> {
  return fc.array(faultArb(o), { minLength: 0, maxLength: o.maxFaults ?? 5 }).map(dropConflicts);
}
