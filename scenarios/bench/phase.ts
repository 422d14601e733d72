// What every benchmark phase returns: headline figures (against their raw baselines) plus the
// breakdown that says where the time goes.
import type { Figure } from './goals.ts';

export interface PhaseResult {
  figures: Figure[];
  /** Per-phase timings and secondary measurements, JSON-able. */
  breakdown: Record<string, unknown>;
  notes: string[];
}

export const PHASES = ['write', 'relay', 'projector', 'e2e', 'cpu', 'recovery', 'env-up', 'clients'] as const;
export type PhaseName = (typeof PHASES)[number];
/** Run only when asked by name (`--only clients`): not part of the system's figures, and it installs packages. */
export const OPT_IN_PHASES: readonly PhaseName[] = ['clients'];
export const DEFAULT_PHASES: readonly PhaseName[] = PHASES.filter((p) => !OPT_IN_PHASES.includes(p));

export interface Sizes {
  writeSeconds: number; // each write measurement
  relayEvents: number;
  projectorEvents: number;
  e2eSeconds: number; // e2e, and the cpu phase's paced load
  connections: number; // = the command service's DB pool size
  outageSeconds: number; // recovery: how long the relay-kafka link is cut
  recoveryRate: number; // recovery: commands/s written during the cut
  recoveryBacklog: number; // recovery: rows written straight into the outbox during the cut
  clientsProduceRecords: number; // clients: records each client produces per run
  clientsConsumeRecords: number; // clients: records each client reads per run
  clientsRepetitions: number; // clients: runs per client and side (order alternates)
}

export const FULL: Sizes = {
  writeSeconds: 10,
  relayEvents: 60_000, // a publish window of several seconds, not one dominated by the first claims
  projectorEvents: 100_000,
  e2eSeconds: 20,
  connections: 8,
  outageSeconds: 5,
  recoveryRate: 300,
  recoveryBacklog: 10_000,
  clientsProduceRecords: 60_000, // as the relay phase
  clientsConsumeRecords: 100_000, // as the projector phase
  clientsRepetitions: 4, // an even count: A B C C B A A B C C B A, every client at the same mean position
};
export const QUICK: Sizes = {
  writeSeconds: 3,
  relayEvents: 3_000,
  projectorEvents: 10_000,
  e2eSeconds: 6,
  connections: 8,
  outageSeconds: 5,
  recoveryRate: 100,
  recoveryBacklog: 2_000,
  clientsProduceRecords: 20_000,
  clientsConsumeRecords: 20_000,
  clientsRepetitions: 2,
};

/**
 * `--only write,relay` → the phases, in canonical order; absent → every phase but the opt-in ones;
 * unknown names are an error listing the accepted ones.
 */
export function parseOnly(value: string | undefined): PhaseName[] {
  if (value === undefined) return [...DEFAULT_PHASES];
  const asked = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = asked.filter((a) => !(PHASES as readonly string[]).includes(a));
  if (bad.length || asked.length === 0)
    throw new Error(
      `--only ${value}: unknown phase${bad.length > 1 ? 's' : ''} ${bad.join(', ') || '(none)'}; accepted: ${PHASES.join(', ')}`,
    );
  return PHASES.filter((p) => asked.includes(p));
}
