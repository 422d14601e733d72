// A fault schedule is DATA (`{at, fault, target, duration, params}`), so fast-check can generate
// and shrink it and a fixture can name it. The parameters of each kind are declared by its family
// module; this file only puts them together.
import type { BrokerFaultParams } from './brokerFamily.ts';
import type { BlockedDuplicateParams } from './blockedDuplicateFamily.ts';
import type { ConflictCopyParams } from './conflictCopyFamily.ts';
import type { CrashPointParams } from './crashPointFamily.ts';
import type { DeadLetterValidParams } from './deadLetterValidFamily.ts';
import type { DuplicateParams } from './duplicateFamily.ts';
import type { FuzzParams } from './fuzzFamily.ts';
import type { GroupCollisionParams } from './groupCollisionFamily.ts';
import type { LostAckParams } from './lostAckFamily.ts';
import type { NetworkParams } from './networkFamily.ts';
import type { PausePointParams } from './pausePointFamily.ts';
import type { OvertakeParams } from './overtakeFamily.ts';
import type { PoisonParams } from './poisonFamily.ts';
import type { ProcessSignalParams, RestartParams } from './processFamilies.ts';
import type { RedeliveryParams } from './redeliveryFamily.ts';
import type { TableLockParams } from './tableLockFamily.ts';
import type { UncommittedKillParams } from './uncommittedKillFamily.ts';

export { LINKS } from '../environment/types.ts';
export { BUILTIN_POISON_CASES, POISON_TARGETS } from './poisonFamily.ts';
export { DUPLICATE_TARGETS } from './duplicateFamily.ts';
export type { Direction } from './toxics.ts';

export interface ParamsByFault
  extends
    NetworkParams,
    LostAckParams,
    ProcessSignalParams,
    RestartParams,
    CrashPointParams,
    PausePointParams,
    DuplicateParams,
    GroupCollisionParams,
    RedeliveryParams,
    PoisonParams,
    DeadLetterValidParams,
    BrokerFaultParams,
    OvertakeParams,
    ConflictCopyParams,
    BlockedDuplicateParams,
    TableLockParams,
    UncommittedKillParams,
    FuzzParams {}

export type FaultKind = keyof ParamsByFault & string;

export interface FaultOf<K extends FaultKind> {
  at: number; // ms since the workload started
  fault: K;
  target: string; // a link, a process target ('relay', 'projector#2', 'kafka-2'), or the topic
  duration: number; // ms; 0 for instantaneous faults (restart, duplicate, poison, …)
  params: ParamsByFault[K];
}

export type Fault = { [K in FaultKind]: FaultOf<K> }[FaultKind];
export type FaultSchedule = Fault[];

export function describeFault(f: Fault): string {
  return `${f.fault} ${f.target} at ${f.at} ms${f.duration > 0 ? ` for ${f.duration} ms` : ''}`;
}
