// Fault → Toxiproxy, as data; the lead's nemesis sends it with toxiproxy-node-client to every
// proxy of the link (Kafka links have one proxy per broker).
import type { LinkName } from '../environment/types.ts';
import type { Direction, Fault, ToxicFault } from './types.ts';

/** Toxiproxy's toxic types (toxiproxy-node-client `Type` minus `down`, which is not a toxic). */
export type ToxiproxyToxicType = 'latency' | 'bandwidth' | 'timeout' | 'slicer' | 'limit_data' | 'reset_peer';

export interface ToxicDefinition {
  name: string; // unique per proxy: kind, direction and the fault's index
  type: ToxiproxyToxicType;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/** `down` is not a toxic: Toxiproxy disables the proxy (POST /proxies/{name} enabled=false). */
export type ProxyAction =
  | { link: LinkName; action: 'disable' }
  | { link: LinkName; action: 'toxics'; toxics: ToxicDefinition[] };

/** A black hole must hold both ways; other toxics follow Toxiproxy's default (downstream). */
export const DEFAULT_STREAM: Readonly<Record<Exclude<ToxicFault, 'down'>, Direction>> = {
  latency: 'downstream',
  bandwidth: 'downstream',
  timeout: 'both',
  reset_peer: 'downstream',
  slicer: 'downstream',
  limit_data: 'downstream',
};

export function proxyActionFor(f: Extract<Fault, { fault: ToxicFault }>, faultId: number): ProxyAction {
  if (f.fault === 'down') return { link: f.target, action: 'disable' };
  const p = f.params;
  let attributes: Record<string, number>;
  switch (f.fault) {
    case 'latency': attributes = { latency: f.params.latencyMs, jitter: f.params.jitterMs ?? 0 }; break;
    case 'bandwidth': attributes = { rate: f.params.rateKBps }; break;
    case 'timeout': attributes = { timeout: f.params.timeoutMs ?? 0 }; break;
    case 'reset_peer': attributes = { timeout: f.params.timeoutMs ?? 0 }; break;
    case 'slicer': attributes = { average_size: f.params.averageSize, size_variation: f.params.sizeVariation ?? 0, delay: f.params.delayUs ?? 0 }; break;
    case 'limit_data': attributes = { bytes: f.params.bytes }; break;
  }
  const stream = p.stream ?? DEFAULT_STREAM[f.fault];
  const streams: ('upstream' | 'downstream')[] = stream === 'both' ? ['upstream', 'downstream'] : [stream];
  return {
    link: f.target,
    action: 'toxics',
    toxics: streams.map((s) => ({ name: `faultline-${faultId}-${f.fault}-${s}`, type: f.fault as ToxiproxyToxicType, stream: s, toxicity: p.toxicity ?? 1, attributes: { ...attributes } })),
  };
}
