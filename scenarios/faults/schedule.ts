import {
  BUILTIN_POISON_CASES, DUPLICATE_TARGETS, FAULT_KINDS, INSTANT_FAULTS, LINKS, POISON_TARGETS, PROCESS_FAULTS, PROCESS_TARGETS, TOXIC_FAULTS,
  describeFault, type Fault, type FaultKind, type FaultSchedule,
} from './types.ts';

export class FaultScheduleError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid fault schedule:\n  - ${errors.join('\n  - ')}`);
  }
}

interface NumberSpec { kind: 'int' | 'number'; min: number; max: number; required?: boolean }
type ParamSpec = Record<string, NumberSpec | { kind: 'enum'; values: readonly string[]; required?: boolean } | { kind: 'string'; required?: boolean }>;

const STREAM = { kind: 'enum', values: ['upstream', 'downstream', 'both'] } as const;
const TOXICITY: NumberSpec = { kind: 'number', min: 0, max: 1 };
const MS = (required = false): NumberSpec => ({ kind: 'int', min: 0, max: 600_000, required });
const toxic = (p: ParamSpec): ParamSpec => ({ ...p, stream: STREAM, toxicity: TOXICITY });

/** Accepted params per fault, with units in the names (ms, KB/s, µs, bytes). */
export const PARAM_SPECS: Readonly<Record<FaultKind, ParamSpec>> = {
  down: {},
  latency: toxic({ latencyMs: MS(true), jitterMs: MS() }),
  bandwidth: toxic({ rateKBps: { kind: 'int', min: 0, max: 10_000_000, required: true } }),
  timeout: toxic({ timeoutMs: MS() }),
  reset_peer: toxic({ timeoutMs: MS() }),
  slicer: toxic({ averageSize: { kind: 'int', min: 1, max: 65_536, required: true }, sizeVariation: { kind: 'int', min: 0, max: 65_535 }, delayUs: { kind: 'int', min: 0, max: 10_000_000 } }),
  limit_data: toxic({ bytes: { kind: 'int', min: 0, max: 1_000_000_000, required: true } }),
  kill: {},
  pause: {},
  restart: {},
  duplicate: { count: { kind: 'int', min: 1, max: 100_000, required: true } },
  poison: { case: { kind: 'string', required: true }, count: { kind: 'int', min: 1, max: 10_000 } },
};

const TARGETS: Readonly<Record<FaultKind, readonly string[]>> = Object.fromEntries(
  FAULT_KINDS.map((k) => [k,
    (TOXIC_FAULTS as readonly string[]).includes(k) ? LINKS
    : (PROCESS_FAULTS as readonly string[]).includes(k) ? PROCESS_TARGETS
    : k === 'duplicate' ? DUPLICATE_TARGETS : POISON_TARGETS]),
) as unknown as Record<FaultKind, readonly string[]>;

export interface ValidateOptions {
  horizonMs?: number; // every fault must end by then
  poisonCases?: readonly string[]; // accepted poison case names (default: the built-in four)
}

export type ValidationResult = { ok: true; schedule: FaultSchedule } | { ok: false; errors: string[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (xs: readonly string[]) => xs.join(', ');

function validateParams(kind: FaultKind, raw: unknown, where: string, errors: string[], opts: ValidateOptions): Record<string, unknown> {
  const spec = PARAM_SPECS[kind];
  if (raw === undefined) raw = {};
  if (!isObj(raw)) {
    errors.push(`${where}: params must be an object`);
    return {};
  }
  for (const key of Object.keys(raw))
    if (!(key in spec)) errors.push(`${where}: unknown param "${key}" for ${kind}; accepted: ${list(Object.keys(spec)) || '(none)'}`);
  for (const [key, s] of Object.entries(spec)) {
    const v = raw[key];
    if (v === undefined) {
      if (s.required) errors.push(`${where}: params.${key} is required for ${kind}`);
      continue;
    }
    if (s.kind === 'enum') {
      if (typeof v !== 'string' || !s.values.includes(v)) errors.push(`${where}: params.${key} must be one of ${list(s.values)}, got ${JSON.stringify(v)}`);
    } else if (s.kind === 'string') {
      if (typeof v !== 'string' || v === '') errors.push(`${where}: params.${key} must be a non-empty string`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v)) || v < s.min || v > s.max) {
      errors.push(`${where}: params.${key} must be ${s.kind === 'int' ? 'an integer' : 'a number'} in [${s.min}, ${s.max}], got ${JSON.stringify(v)}`);
    }
  }
  if (kind === 'slicer' && typeof raw.sizeVariation === 'number' && typeof raw.averageSize === 'number' && raw.sizeVariation >= raw.averageSize)
    errors.push(`${where}: params.sizeVariation must be smaller than averageSize`);
  if (kind === 'poison' && typeof raw.case === 'string') {
    const cases = opts.poisonCases ?? BUILTIN_POISON_CASES;
    if (!cases.includes(raw.case)) errors.push(`${where}: unknown poison case "${raw.case}"; known: ${list(cases)}`);
  }
  return raw;
}

/** Checks one fault; pushes messages that name the fault's index and what it is. */
function validateFault(raw: unknown, i: number, errors: string[], opts: ValidateOptions): Fault | undefined {
  const where0 = `faults[${i}]`;
  if (!isObj(raw)) {
    errors.push(`${where0}: must be an object {at, fault, target, duration, params}`);
    return undefined;
  }
  const { at, fault, target, duration, params, ...extra } = raw;
  const where = `${where0} (${String(fault)} ${String(target)})`;
  const before = errors.length;
  for (const k of Object.keys(extra)) errors.push(`${where}: unknown field "${k}"; fields are at, fault, target, duration, params`);
  if (typeof fault !== 'string' || !(FAULT_KINDS as readonly string[]).includes(fault)) {
    errors.push(`${where}: fault must be one of ${list(FAULT_KINDS)}, got ${JSON.stringify(fault)}`);
    return undefined;
  }
  const kind = fault as FaultKind;
  if (typeof target !== 'string' || !TARGETS[kind].includes(target))
    errors.push(`${where}: target of ${kind} must be one of ${list(TARGETS[kind])}, got ${JSON.stringify(target)}`);
  if (typeof at !== 'number' || !Number.isInteger(at) || at < 0) errors.push(`${where}: at must be an integer ≥ 0 (ms), got ${JSON.stringify(at)}`);
  const instant = INSTANT_FAULTS.includes(kind);
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 0) errors.push(`${where}: duration must be an integer ≥ 0 (ms), got ${JSON.stringify(duration)}`);
  else if (instant && duration !== 0) errors.push(`${where}: ${kind} is instantaneous: duration must be 0, got ${duration}`);
  else if (!instant && kind !== 'kill' && duration === 0) errors.push(`${where}: ${kind} needs a duration > 0 ms`);
  if (opts.horizonMs !== undefined && typeof at === 'number' && typeof duration === 'number' && at + duration > opts.horizonMs)
    errors.push(`${where}: ends at ${at + duration} ms, after the horizon of ${opts.horizonMs} ms`);
  const p = validateParams(kind, params, where, errors, opts);
  if (errors.length > before) return undefined;
  return { at, fault: kind, target, duration, params: p } as Fault;
}

/**
 * Why two faults cannot be in one schedule, or null. Same toxic kind on the same link at once
 * is ambiguous (one toxic name); two process faults on one process at once (kill while paused)
 * have no defined meaning. Windows are inclusive so a restart at a kill's end conflicts too.
 */
export function conflict(a: Fault, b: Fault): string | null {
  const overlap = a.at <= b.at + b.duration && b.at <= a.at + a.duration;
  if (!overlap || a.target !== b.target) return null;
  const aProc = (PROCESS_FAULTS as readonly string[]).includes(a.fault);
  const bProc = (PROCESS_FAULTS as readonly string[]).includes(b.fault);
  if (aProc && bProc) return `${describeFault(a)} overlaps ${describeFault(b)} on the same process`;
  if (a.fault === b.fault && (TOXIC_FAULTS as readonly string[]).includes(a.fault)) return `${describeFault(a)} overlaps ${describeFault(b)} on the same link`;
  return null;
}

export function validateSchedule(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  if (!Array.isArray(input)) return { ok: false, errors: ['a fault schedule must be an array of faults'] };
  const errors: string[] = [];
  const faults = input.map((f, i) => validateFault(f, i, errors, opts));
  faults.forEach((a, i) => faults.forEach((b, j) => {
    if (a && b && i < j) {
      const why = conflict(a, b);
      if (why) errors.push(`faults[${i}] and faults[${j}]: ${why}`);
    }
  }));
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
