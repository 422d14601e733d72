// Fault → Toxiproxy, as data: which proxy action a toxic fault means, sent to every proxy of the
// link (Kafka links have one proxy per broker) by applyProxyAction.
import { type Toxiproxy } from 'toxiproxy-node-client';
import type { EnvAddresses, LinkName } from '../environment/types.ts';

export type Direction = 'upstream' | 'downstream' | 'both';
/** Toxiproxy's toxic types (`down` is not a toxic: the proxy is disabled). */
export type ToxiproxyToxicType = 'latency' | 'bandwidth' | 'timeout' | 'slicer' | 'limit_data' | 'reset_peer';

export interface ToxicDefinition {
  name: string; // unique per proxy: fault id, kind and direction
  type: ToxiproxyToxicType;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

export type ProxyAction = { link: LinkName; action: 'disable' } | { link: LinkName; action: 'toxics'; toxics: ToxicDefinition[] };

/** One toxic type with its Toxiproxy attributes, on one or both directions. */
export function toxicsAction(
  link: LinkName,
  faultId: number,
  label: string,
  t: { type: ToxiproxyToxicType; stream: Direction; toxicity?: number; attributes: Record<string, number> },
): ProxyAction {
  const streams: ('upstream' | 'downstream')[] = t.stream === 'both' ? ['upstream', 'downstream'] : [t.stream];
  return {
    link,
    action: 'toxics',
    toxics: streams.map((s) => ({
      name: `faultline-${faultId}-${label}-${s}`,
      type: t.type,
      stream: s,
      toxicity: t.toxicity ?? 1,
      attributes: { ...t.attributes },
    })),
  };
}

/** Applies (on) or removes (off) an action on every proxy of its link. */
export async function applyProxyAction(toxi: Toxiproxy, env: EnvAddresses, action: ProxyAction, on: boolean): Promise<void> {
  for (const { name } of env.links[action.link]) {
    const proxy = await toxi.get(name);
    if (action.action === 'disable') {
      await proxy.update({ enabled: !on, listen: proxy.listen, upstream: proxy.upstream });
    } else if (on) {
      for (const t of action.toxics)
        await proxy.addToxic({
          name: t.name,
          type: t.type as never,
          stream: t.stream as never,
          toxicity: t.toxicity,
          attributes: t.attributes as never,
        });
    } else {
      for (const t of action.toxics) await (await proxy.getToxic(t.name)).remove().catch(() => undefined);
    }
  }
}

/** Removes every toxic and re-enables every proxy of the environment. */
export async function resetProxies(toxi: Toxiproxy): Promise<void> {
  await toxi.reset();
}
