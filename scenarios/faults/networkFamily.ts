// Network faults: Toxiproxy toxics on one client link (every proxy of it), from `at` for `duration`.
import fc from 'fast-check';
import { Toxiproxy } from 'toxiproxy-node-client';
import { CONNECT_LINKS, LINKS, type LinkName } from '../environment/types.ts';
import type { FaultFamily, KindSpec } from './family.ts';
import { MS, STREAM, TOXICITY, type ParamSpec } from './params.ts';
import { applyProxyAction, toxicsAction, type Direction, type ProxyAction, type ToxiproxyToxicType } from './toxics.ts';
import type { FaultShape as Fault } from './fault.ts';

interface ToxicCommon {
  stream?: Direction; // default per kind, see DEFAULT_STREAM
  toxicity?: number; // 0..1, share of connections affected (default 1)
}

export interface NetworkParams {
  down: Record<string, never>;
  latency: ToxicCommon & { latencyMs: number; jitterMs?: number };
  bandwidth: ToxicCommon & { rateKBps: number };
  timeout: ToxicCommon & { timeoutMs?: number }; // 0 (default): black hole until healed
  reset_peer: ToxicCommon & { timeoutMs?: number };
  slicer: ToxicCommon & { averageSize: number; sizeVariation?: number; delayUs?: number };
  limit_data: ToxicCommon & { bytes: number };
}
type ToxicKind = Exclude<keyof NetworkParams, 'down'>;

/** A black hole must hold both ways; other toxics follow Toxiproxy's default (downstream). */
export const DEFAULT_STREAM: Readonly<Record<ToxicKind, Direction>> = {
  latency: 'downstream',
  bandwidth: 'downstream',
  timeout: 'both',
  reset_peer: 'downstream',
  slicer: 'downstream',
  limit_data: 'downstream',
};

const ATTRIBUTES: { [K in ToxicKind]: (p: NetworkParams[K]) => Record<string, number> } = {
  latency: (p) => ({ latency: p.latencyMs, jitter: p.jitterMs ?? 0 }),
  bandwidth: (p) => ({ rate: p.rateKBps }),
  timeout: (p) => ({ timeout: p.timeoutMs ?? 0 }),
  reset_peer: (p) => ({ timeout: p.timeoutMs ?? 0 }),
  slicer: (p) => ({ average_size: p.averageSize, size_variation: p.sizeVariation ?? 0, delay: p.delayUs ?? 0 }),
  limit_data: (p) => ({ bytes: p.bytes }),
};

/** The proxy action of a network fault (pure: unit-tested). */
export function proxyActionFor(f: Fault, faultId: number): ProxyAction {
  const link = f.target as LinkName;
  if (f.fault === 'down') return { link, action: 'disable' };
  const kind = f.fault as ToxicKind;
  const p = f.params as ToxicCommon;
  const attributes = (ATTRIBUTES[kind] as (x: unknown) => Record<string, number>)(f.params);
  return toxicsAction(link, faultId, kind, {
    type: kind as ToxiproxyToxicType,
    stream: p.stream ?? DEFAULT_STREAM[kind],
    toxicity: p.toxicity ?? 1,
    attributes,
  });
}

// The Kafka Connect worker's links are accepted by name, not drawn at random: they exist only in the cdc modes.
const links = {
  accepts: (t: string) => (LINKS as readonly string[]).includes(t),
  choices: LINKS.filter((l) => !CONNECT_LINKS.includes(l)),
  drawnFrom: 'links' as const,
};
const toxic = (p: ParamSpec): ParamSpec => ({ ...p, stream: STREAM, toxicity: TOXICITY });
// `down` shares its key with anything else that disables the proxy, toxics with the same kind on the link.
const proxyKey = (f: Fault) => (f.fault === 'down' ? `proxy-enabled:${f.target}` : `toxic:${f.fault}:${f.target}`);
const kind = (params: ParamSpec, arbitrary: KindSpec['arbitrary'], extra: Partial<KindSpec> = {}): KindSpec => ({
  params,
  timing: 'window',
  targets: links,
  arbitrary,
  exclusive: proxyKey,
  traits: ['on-link'],
  ...extra,
});

export const networkFamily: FaultFamily = {
  name: 'network',
  kinds: {
    down: kind({}, () => fc.constant({})),
    latency: kind(toxic({ latencyMs: MS(true), jitterMs: MS() }), () =>
      fc.record({ latencyMs: fc.integer({ min: 0, max: 2_000 }), jitterMs: fc.integer({ min: 0, max: 500 }) }),
    ),
    bandwidth: kind(toxic({ rateKBps: { kind: 'int', min: 0, max: 10_000_000, required: true } }), () =>
      fc.record({ rateKBps: fc.integer({ min: 1, max: 1_000 }) }),
    ),
    timeout: kind(toxic({ timeoutMs: MS() }), () => fc.record({ timeoutMs: fc.constantFrom(0, 1_000, 5_000) })),
    reset_peer: kind(toxic({ timeoutMs: MS() }), () => fc.record({ timeoutMs: fc.integer({ min: 0, max: 2_000 }) })),
    slicer: kind(
      toxic({
        averageSize: { kind: 'int', min: 1, max: 65_536, required: true },
        sizeVariation: { kind: 'int', min: 0, max: 65_535 },
        delayUs: { kind: 'int', min: 0, max: 10_000_000 },
      }),
      () => fc.record({ averageSize: fc.integer({ min: 1, max: 1_024 }), delayUs: fc.integer({ min: 0, max: 10_000 }) }),
      {
        check: ({ params: p }) =>
          typeof p.sizeVariation === 'number' && typeof p.averageSize === 'number' && p.sizeVariation >= p.averageSize
            ? ['params.sizeVariation must be smaller than averageSize']
            : [],
      },
    ),
    limit_data: kind(toxic({ bytes: { kind: 'int', min: 0, max: 1_000_000_000, required: true } }), () =>
      fc.record({ bytes: fc.integer({ min: 0, max: 100_000 }) }),
    ),
  } satisfies Record<keyof NetworkParams, KindSpec>,
  create(ctx) {
    const toxi = new Toxiproxy(ctx.env.toxiproxy.api);
    return {
      start: (f, id) => applyProxyAction(toxi, ctx.env, proxyActionFor(f, id), true),
      stop: (f, id) => applyProxyAction(toxi, ctx.env, proxyActionFor(f, id), false),
      // The nemesis resets every proxy once for all families (one Toxiproxy call).
      heal: async () => undefined,
    };
  },
};
