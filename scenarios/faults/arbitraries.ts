// fast-check arbitraries of fault schedules, derived from the families. Valid by construction
// (conflicting faults are dropped in a map, which keeps shrinking: fewer faults, earlier `at`,
// shorter `duration`, milder params).
import fc from 'fast-check';
import type { KindSpec } from './family.ts';
import { KINDS } from './registry.ts';
import { conflict } from './schedule.ts';
import { RANDOM_FAULTS } from './registry.ts';
import type { Fault, FaultKind, FaultSchedule } from './types.ts';

export interface ScheduleArbOptions {
  horizonMs: number; // every fault ends by then
  maxFaults?: number;
  kinds?: readonly FaultKind[]; // default: every kind random schedules may draw
  links?: readonly string[];
  processTargets?: readonly string[];
  poisonCases?: readonly string[];
  minDurationMs?: number; // default 100
  maxDurationMs?: number; // default horizon / 2
}

/** The targets a kind may be drawn on under these options (narrowed, never widened). */
export function drawableTargets(spec: KindSpec, o: ScheduleArbOptions): string[] {
  const from = spec.targets.drawnFrom ? o[spec.targets.drawnFrom] : undefined;
  return [...(from ?? spec.targets.choices)].filter((t) => spec.targets.accepts(t));
}

/** One fault of the given kind, fitting in the horizon. */
export function faultOfKindArb(kind: FaultKind, o: ScheduleArbOptions): fc.Arbitrary<Fault> {
  const entry = KINDS.get(kind);
  if (!entry) throw new Error(`faultOfKindArb: unknown fault kind ${kind}`);
  const { spec } = entry;
  const targets = drawableTargets(spec, o);
  if (targets.length === 0) throw new Error(`faultOfKindArb: no target of ${kind} among the given options`);
  const instant = spec.timing === 'instant';
  const minD = instant ? 0 : Math.min(o.minDurationMs ?? 100, o.horizonMs);
  const maxD = instant ? 0 : Math.max(minD, Math.min(o.maxDurationMs ?? Math.floor(o.horizonMs / 2), o.horizonMs));
  return fc
    .constantFrom(...targets)
    .chain((target) =>
      fc.record({
        at: fc.integer({ min: 0, max: o.horizonMs - minD }),
        target: fc.constant(target),
        duration: fc.integer({ min: minD, max: maxD }),
        params: spec.arbitrary(o, target),
      }),
    )
    .map(
      ({ at, target, duration, params }) => ({ at, fault: kind, target, duration: Math.min(duration, o.horizonMs - at), params }) as Fault,
    );
}

export function faultArb(o: ScheduleArbOptions): fc.Arbitrary<Fault> {
  const kinds = (o.kinds ?? RANDOM_FAULTS).filter((k) => o.kinds !== undefined || drawableTargets(KINDS.get(k)!.spec, o).length > 0);
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
