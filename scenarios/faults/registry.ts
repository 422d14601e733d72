// Every fault family the nemesis knows. Kinds, targets, validation and arbitraries all derive
// from this list; a new family is one module added here, a new kind one entry in its family.
import type { FaultTrait } from '../history/types.ts';
import type { FaultFamily, KindSpec } from './family.ts';
import type { FaultKind } from './types.ts';
import { brokerFamily } from './brokerFamily.ts';
import { blockedDuplicateFamily } from './blockedDuplicateFamily.ts';
import { conflictCopyFamily } from './conflictCopyFamily.ts';
import { crashPointFamily } from './crashPointFamily.ts';
import { deadLetterValidFamily } from './deadLetterValidFamily.ts';
import { dlqLimitFamily } from './dlqLimitFamily.ts';
import { duplicateFamily } from './duplicateFamily.ts';
import { fuzzFamily } from './fuzzFamily.ts';
import { groupCollisionFamily } from './groupCollisionFamily.ts';
import { lostAckFamily } from './lostAckFamily.ts';
import { networkFamily } from './networkFamily.ts';
import { pausePointFamily } from './pausePointFamily.ts';
import { overtakeFamily } from './overtakeFamily.ts';
import { poisonFamily } from './poisonFamily.ts';
import { processSignalFamily, restartFamily } from './processFamilies.ts';
import { redeliveryFamily } from './redeliveryFamily.ts';
import { tableLockFamily } from './tableLockFamily.ts';
import { uncommittedKillFamily } from './uncommittedKillFamily.ts';

export const FAMILIES: readonly FaultFamily[] = [
  networkFamily,
  lostAckFamily,
  processSignalFamily,
  uncommittedKillFamily,
  restartFamily,
  crashPointFamily,
  pausePointFamily,
  duplicateFamily,
  groupCollisionFamily,
  redeliveryFamily,
  poisonFamily,
  deadLetterValidFamily,
  brokerFamily,
  dlqLimitFamily,
  overtakeFamily,
  conflictCopyFamily,
  blockedDuplicateFamily,
  tableLockFamily,
  fuzzFamily,
];

/** Which family owns each kind; a kind claimed twice is a programming error caught at load. */
export function kindIndex(families: readonly FaultFamily[]): Map<string, { family: FaultFamily; spec: KindSpec }> {
  const out = new Map<string, { family: FaultFamily; spec: KindSpec }>();
  for (const family of families) {
    for (const [kind, spec] of Object.entries(family.kinds)) {
      const other = out.get(kind);
      if (other) throw new Error(`fault kind ${kind} is declared by both ${other.family.name} and ${family.name}`);
      out.set(kind, { family, spec });
    }
  }
  return out;
}

export const KINDS = kindIndex(FAMILIES);

export const FAULT_KINDS = [...KINDS.keys()] as FaultKind[];
export const INSTANT_FAULTS: readonly FaultKind[] = FAULT_KINDS.filter((k) => KINDS.get(k)!.spec.timing === 'instant');
/** Kinds random schedules draw from (all but those that need scenario knowledge). */
export const RANDOM_FAULTS: readonly FaultKind[] = FAULT_KINDS.filter((k) => KINDS.get(k)!.spec.random !== false);

/** The traits a kind declares (an unknown kind has none). */
export const traitsOf = (kind: string): readonly FaultTrait[] => KINDS.get(kind)?.spec.traits ?? [];

/** Whether the kind declares the trait (an unknown kind has none). */
export const hasTrait = (kind: string, trait: FaultTrait): boolean => KINDS.get(kind)?.spec.traits?.includes(trait) ?? false;
