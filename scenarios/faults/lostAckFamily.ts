// Lost acknowledgement: the command service receives the request and commits, but its answer
// never reaches the client (only the response direction of the client link is faulted), so the
// client retries with the same idempotency key — the case idempotency keys exist for.
//   reset      the connection closes as the first response byte arrives (limit_data 0, downstream);
//   black-hole the response is swallowed until the client's timeout (timeout 0, downstream);
//   late       the response arrives after the client gave up (latency, downstream).
import fc from 'fast-check';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { FaultFamily, KindSpec } from './family.ts';
import { MS, TOXICITY } from './params.ts';
import { applyProxyAction, toxicsAction, type ProxyAction } from './toxics.ts';
import type { FaultShape as Fault } from './fault.ts';

export const LOST_ACK_MODES = ['reset', 'black-hole', 'late'] as const;
export interface LostAckParams {
  'lost-ack': { how?: (typeof LOST_ACK_MODES)[number]; toxicity?: number; latencyMs?: number };
}

const LINK = 'client-command' as const;
/**
 * Default share of connections whose answer is lost: all of them. Toxiproxy rolls toxicity once
 * per connection and clients keep connections alive, so a partial share can miss a whole window;
 * a short window instead lets retries that come after it get the first answer back.
 */
export const DEFAULT_LOST_ACK_TOXICITY = 1;

/** The downstream-only toxic of a lost-ack fault (pure: unit-tested). */
export function lostAckAction(f: Fault, faultId: number): ProxyAction {
  const p = f.params as LostAckParams['lost-ack'];
  const toxicity = p.toxicity ?? DEFAULT_LOST_ACK_TOXICITY;
  const common = { stream: 'downstream' as const, toxicity };
  switch (p.how ?? 'reset') {
    case 'reset':
      return toxicsAction(LINK, faultId, 'lost-ack', { ...common, type: 'limit_data', attributes: { bytes: 0 } });
    case 'black-hole':
      return toxicsAction(LINK, faultId, 'lost-ack', { ...common, type: 'timeout', attributes: { timeout: 0 } });
    case 'late':
      return toxicsAction(LINK, faultId, 'lost-ack', {
        ...common,
        type: 'latency',
        attributes: { latency: p.latencyMs ?? 5_000, jitter: 0 },
      });
  }
}

const spec: KindSpec = {
  traits: ['on-link'],
  params: { how: { kind: 'enum', values: LOST_ACK_MODES }, toxicity: TOXICITY, latencyMs: MS() },
  timing: 'window',
  targets: { accepts: (t) => t === LINK, choices: [LINK] },
  check: ({ params: p }) => (p.latencyMs !== undefined && p.how !== 'late' ? ['params.latencyMs only applies to how: late'] : []),
  arbitrary: () => fc.record({ how: fc.constantFrom(...LOST_ACK_MODES), toxicity: fc.constantFrom(0.3, 0.5, 1) }),
  exclusive: () => `lost-ack:${LINK}`,
};

export const lostAckFamily: FaultFamily = {
  name: 'lost acknowledgements',
  kinds: { 'lost-ack': spec } satisfies Record<keyof LostAckParams, KindSpec>,
  create(ctx) {
    const toxi = new Toxiproxy(ctx.env.toxiproxy.api);
    return {
      start: (f, id) => applyProxyAction(toxi, ctx.env, lostAckAction(f, id), true),
      stop: (f, id) => applyProxyAction(toxi, ctx.env, lostAckAction(f, id), false),
      heal: async () => undefined,
    };
  },
};
