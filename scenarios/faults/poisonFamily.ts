// Poison injection: records from fixtures/poison produced onto the topic, each tagged with a
// poison id header and recorded (with where it landed) in the history.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { TOPIC } from '../../system/shared/events.ts';
import { POISON_ID_HEADER } from '../history/types.ts';
import type { FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';

export interface PoisonParams {
  poison: { case: string; count?: number }; // a fixture in fixtures/poison
}

export const POISON_TARGETS = [TOPIC] as const;
export const BUILTIN_POISON_CASES = ['garbage', 'unknown-type', 'schema-violation', 'oversized'] as const;

const spec: KindSpec = {
  params: { case: { kind: 'string', required: true }, count: COUNT(10_000) },
  timing: 'instant',
  targets: { accepts: (t) => t === TOPIC, choices: POISON_TARGETS },
  check: ({ params: p }, o) => {
    const cases = o.poisonCases ?? BUILTIN_POISON_CASES;
    return typeof p.case === 'string' && !cases.includes(p.case) ? [`unknown poison case "${p.case}"; known: ${cases.join(', ')}`] : [];
  },
  arbitrary: (o) => fc.record({ case: fc.constantFrom(...(o.poisonCases ?? BUILTIN_POISON_CASES)), count: fc.integer({ min: 1, max: 5 }) }),
};

export const poisonFamily: FaultFamily = {
  name: 'poison',
  kinds: { poison: spec } satisfies Record<keyof PoisonParams, KindSpec>,
  create({ tools, recorder, poisonRecords }) {
    return {
      async start(f, faultId) {
        const p = f.params as PoisonParams['poison'];
        for (let i = 0; i < (p.count ?? 1); i++) {
          for (const r of poisonRecords(p.case)) {
            const poisonId = randomUUID();
            const at = await tools.produce(TOPIC, { key: r.key, value: r.value, headers: { ...r.headers, [POISON_ID_HEADER]: poisonId } });
            recorder.inject({
              faultId,
              what: 'poison',
              topic: TOPIC,
              ...at,
              key: r.key,
              poisonId,
              case: p.case,
              ...(r.headers['event-id'] ? { eventId: r.headers['event-id'] } : {}),
            });
          }
        }
      },
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
