// A scenario's topology, resolved: what it asks for, with the defaults filled in, and the part the
// system starter needs (relay and projector instances, partitions). Brokers are the environment's.
import type { Topology } from '../catalog/types.ts';

export const DEFAULT_PARTITIONS = 3;

export interface ResolvedTopology {
  brokers: 1 | 3;
  relays: number;
  projectors: number;
  partitions: number;
}

export function resolveTopology(t: Topology | undefined): ResolvedTopology {
  const r: ResolvedTopology = {
    brokers: t?.brokers ?? 1,
    relays: t?.relays ?? 1,
    projectors: t?.projectors ?? 1,
    partitions: t?.partitions ?? DEFAULT_PARTITIONS,
  };
  for (const k of ['relays', 'projectors', 'partitions'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new Error(`topology.${k} must be a whole number ≥ 1, got ${String(r[k])}`);
  }
  if (r.brokers !== 1 && r.brokers !== 3) throw new Error(`topology.brokers must be 1 or 3, got ${String(r.brokers)}`);
  return r;
}

/** The system starter's share: instances of the scalable processes, those standing by, and the topic's partitions. */
export function systemTopology(t: Topology | undefined): {
  instances: { relay: number; projector: number };
  partitions: number;
  standby: string[];
} {
  const r = resolveTopology(t);
  const extra = extraInstanceTargets(t);
  for (const s of t?.standby ?? []) {
    if (!extra.includes(s)) throw new Error(`topology.standby ${s} must be one of the extra instances (${extra.join(', ') || 'none'})`);
  }
  return { instances: { relay: r.relays, projector: r.projectors }, partitions: r.partitions, standby: [...(t?.standby ?? [])] };
}

/** Every process-instance target a topology starts beyond instance 1 ('relay#2', 'projector#3', …). */
export function extraInstanceTargets(t: Topology | undefined): string[] {
  const r = resolveTopology(t);
  const out: string[] = [];
  for (let i = 2; i <= r.relays; i++) out.push(`relay#${i}`);
  for (let i = 2; i <= r.projectors; i++) out.push(`projector#${i}`);
  return out;
}
