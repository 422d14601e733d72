// Validation of fault schedules (fixtures, replays), derived from the families' declarations:
// every problem is named with the fault's index and what it is.
import type { FaultFamily, KindSpec } from './family.ts';
import { validateParams } from './params.ts';
import { FAMILIES, kindIndex, KINDS } from './registry.ts';
import { describeFault, type Fault, type FaultSchedule } from './types.ts';

export class FaultScheduleError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid fault schedule:\n  - ${errors.join('\n  - ')}`);
  }
}

export interface ValidateOptions {
  horizonMs?: number; // every fault must end by then
  poisonCases?: readonly string[]; // accepted poison case names (default: the built-in four)
  /** The families to validate against (default: all); tests pass their own. */
  families?: readonly FaultFamily[];
}

export type ValidationResult = { ok: true; schedule: FaultSchedule } | { ok: false; errors: string[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkTiming(kind: string, spec: KindSpec, duration: unknown, where: string, errors: string[]): void {
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 0)
    errors.push(`${where}: duration must be an integer ≥ 0 (ms), got ${JSON.stringify(duration)}`);
  else if (spec.timing === 'instant' && duration !== 0)
    errors.push(`${where}: ${kind} is instantaneous: duration must be 0, got ${duration}`);
  else if (spec.timing === 'window' && duration === 0) errors.push(`${where}: ${kind} needs a duration > 0 ms`);
}

function validateFault(
  raw: unknown,
  i: number,
  errors: string[],
  opts: ValidateOptions,
  kinds: Map<string, { spec: KindSpec }>,
): Fault | undefined {
  const where0 = `faults[${i}]`;
  if (!isObj(raw)) {
    errors.push(`${where0}: must be an object {at, fault, target, duration, params}`);
    return undefined;
  }
  const { at, fault, target, duration, params, ...extra } = raw;
  const where = `${where0} (${String(fault)} ${String(target)})`;
  const before = errors.length;
  for (const k of Object.keys(extra)) errors.push(`${where}: unknown field "${k}"; fields are at, fault, target, duration, params`);
  const entry = typeof fault === 'string' ? kinds.get(fault) : undefined;
  if (!entry) {
    errors.push(`${where}: fault must be one of ${[...kinds.keys()].join(', ')}, got ${JSON.stringify(fault)}`);
    return undefined;
  }
  const { spec } = entry;
  const kind = fault as string;
  if (typeof target !== 'string' || !spec.targets.accepts(target))
    errors.push(
      `${where}: target of ${kind} must be one of ${spec.targets.describe ?? spec.targets.choices.join(', ')}, got ${JSON.stringify(target)}`,
    );
  if (typeof at !== 'number' || !Number.isInteger(at) || at < 0)
    errors.push(`${where}: at must be an integer ≥ 0 (ms), got ${JSON.stringify(at)}`);
  checkTiming(kind, spec, duration, where, errors);
  if (opts.horizonMs !== undefined && typeof at === 'number' && typeof duration === 'number' && at + duration > opts.horizonMs)
    errors.push(`${where}: ends at ${at + duration} ms, after the horizon of ${opts.horizonMs} ms`);
  const p = validateParams(kind, spec.params, params, where, errors);
  if (errors.length === before && spec.check)
    errors.push(...spec.check({ target: target as string, params: p, duration }, opts).map((e) => `${where}: ${e}`));
  if (errors.length > before) return undefined;
  return { at, fault: kind, target, duration, params: p } as Fault;
}

/**
 * Why two faults cannot be in one schedule, or null: overlapping windows (inclusive, so a restart
 * at a kill's end conflicts too) that claim the same exclusive resource — two process faults on
 * one process, the same toxic twice on one link, two faults that both disable one proxy.
 */
export function conflict(a: Fault, b: Fault): string | null {
  const overlap = a.at <= b.at + b.duration && b.at <= a.at + a.duration;
  if (!overlap) return null;
  const ka = KINDS.get(a.fault)?.spec.exclusive?.(a);
  const kb = KINDS.get(b.fault)?.spec.exclusive?.(b);
  if (ka === undefined || ka !== kb) return null;
  return `${describeFault(a)} overlaps ${describeFault(b)} on the same ${ka.startsWith('process:') ? 'process' : 'link'}`;
}

export function validateSchedule(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  if (!Array.isArray(input)) return { ok: false, errors: ['a fault schedule must be an array of faults'] };
  const kinds = opts.families ? kindIndex(opts.families) : KINDS;
  const errors: string[] = [];
  const faults = input.map((f, i) => validateFault(f, i, errors, opts, kinds));
  faults.forEach((a, i) =>
    faults.forEach((b, j) => {
      if (a && b && i < j) {
        const why = conflict(a, b);
        if (why) errors.push(`faults[${i}] and faults[${j}]: ${why}`);
      }
    }),
  );
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, schedule: (faults as Fault[]).slice().sort((a, b) => a.at - b.at) };
}

/** Like validateSchedule, but throws a FaultScheduleError listing every problem. */
export function parseSchedule(input: unknown, opts: ValidateOptions = {}): FaultSchedule {
  const r = validateSchedule(input, opts);
  if (!r.ok) throw new FaultScheduleError(r.errors);
  return r.schedule;
}

/** When the last fault heals (ms): when the quiesce phase may start. */
export function scheduleEnd(schedule: FaultSchedule): number {
  return schedule.reduce((end, f) => Math.max(end, f.at + f.duration), 0);
}

export { FAMILIES };
