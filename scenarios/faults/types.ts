// A fault schedule is DATA (`{at, fault, target, duration, params}`), so fast-check can generate
// and shrink it and a fixture can name it. The nemesis (the lead's code) interprets it.
import { LINKS, type LinkName } from '../environment/types.ts';

export const TOXIC_FAULTS = ['down', 'latency', 'bandwidth', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;
export const PROCESS_FAULTS = ['kill', 'pause', 'restart'] as const;
export const FAULT_KINDS = [...TOXIC_FAULTS, ...PROCESS_FAULTS, 'duplicate', 'poison'] as const;
export const PROCESS_TARGETS = ['command-service', 'relay', 'projector', 'query-api', 'kafka', 'commands-db', 'queries-db'] as const;
/** `projector`: rewind the consumer group's offsets; `relay`: re-publish already published outbox rows. */
export const DUPLICATE_TARGETS = ['projector', 'relay'] as const;
export const POISON_TARGETS = ['user-events'] as const;
export const BUILTIN_POISON_CASES = ['garbage', 'unknown-type', 'schema-violation', 'oversized'] as const;
export { LINKS };

export type ToxicFault = (typeof TOXIC_FAULTS)[number];
export type ProcessFault = (typeof PROCESS_FAULTS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];
export type ProcessTarget = (typeof PROCESS_TARGETS)[number];
export type DuplicateTarget = (typeof DUPLICATE_TARGETS)[number];
export type PoisonTarget = (typeof POISON_TARGETS)[number];
export type Direction = 'upstream' | 'downstream' | 'both';

interface ToxicCommon {
  stream?: Direction; // default per kind, see toxics.ts
  toxicity?: number; // 0..1, share of connections affected (default 1)
}

export interface ParamsByFault {
  down: Record<string, never>;
  latency: ToxicCommon & { latencyMs: number; jitterMs?: number };
  bandwidth: ToxicCommon & { rateKBps: number };
  timeout: ToxicCommon & { timeoutMs?: number }; // 0 (default): black hole until healed
  reset_peer: ToxicCommon & { timeoutMs?: number };
  slicer: ToxicCommon & { averageSize: number; sizeVariation?: number; delayUs?: number };
  limit_data: ToxicCommon & { bytes: number };
  kill: Record<string, never>; // SIGKILL at `at`, restart after `duration`
  pause: Record<string, never>; // SIGSTOP at `at`, SIGCONT after `duration`
  restart: Record<string, never>; // graceful stop + start, instantaneous
  duplicate: { count: number }; // offsets rewound per partition / outbox rows re-published
  poison: { case: string; count?: number }; // a fixture in fixtures/poison
}

export interface TargetByFault {
  down: LinkName; latency: LinkName; bandwidth: LinkName; timeout: LinkName; reset_peer: LinkName; slicer: LinkName; limit_data: LinkName;
  kill: ProcessTarget; pause: ProcessTarget; restart: ProcessTarget;
  duplicate: DuplicateTarget;
  poison: PoisonTarget;
}

export interface FaultOf<K extends FaultKind> {
  at: number; // ms since the workload started
  fault: K;
  target: TargetByFault[K];
  duration: number; // ms; 0 for instantaneous faults (restart, duplicate, poison)
  params: ParamsByFault[K];
}

export type Fault = { [K in FaultKind]: FaultOf<K> }[FaultKind];
export type FaultSchedule = Fault[];

export const INSTANT_FAULTS: readonly FaultKind[] = ['restart', 'duplicate', 'poison'];

export function isToxic(f: Fault): f is Extract<Fault, { fault: ToxicFault }> {
  return (TOXIC_FAULTS as readonly string[]).includes(f.fault);
}
export function isProcess(f: Fault): f is Extract<Fault, { fault: ProcessFault }> {
  return (PROCESS_FAULTS as readonly string[]).includes(f.fault);
}

export function describeFault(f: Fault): string {
  return `${f.fault} ${f.target} at ${f.at} ms${f.duration > 0 ? ` for ${f.duration} ms` : ''}`;
}
