// Conflicting copies: a record at a stream version the read model has already applied, but NOT
// that event: another event id (`other-id`), or the same id with other content (`other-content`).
// Neither a redelivery nor new: the projector must dead-letter it as a conflict, never drop it as
// a duplicate and never apply it over newer state. Each copy is recorded with where it landed
// (the conflict-missed checker finds it in the DLQ or the applied log by that position) and
// carries a poison id, so it is not taken for a valid event dead-lettered.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { TOPIC, type EventEnvelope } from '../../system/shared/events.ts';
import { POISON_ID_HEADER } from '../history/types.ts';
import { produceEvent, storedEvent } from './eventStoreRecord.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';
import { sleep } from './wait.ts';

export const CONFLICT_HOWS = ['other-id', 'other-content'] as const;
export type ConflictHow = (typeof CONFLICT_HOWS)[number];
export interface ConflictCopyParams {
  'conflicting-copy': { how?: ConflictHow; streams?: number };
}

const WAIT_FOR_CANDIDATES_MS = 10_000;
/** Live streams looked at, busiest first, for a rename one below their applied version. */
const CANDIDATES = 20;

/** The copy: another id, or the same id with another correlation id (other content). Nothing else changes. */
export function conflictingEnvelope(e: EventEnvelope, how: ConflictHow, fresh: () => string): EventEnvelope {
  if (how === 'other-id') return { ...e, eventId: fresh() };
  return { ...e, correlationId: `conflicting-copy-${fresh()}` };
}

/**
 * The rename one below each busy stream's applied version (an applied version with a newer one
 * after it, so applying the copy would move the state back; a rename applies to any live user,
 * so only the version rule can refuse it). Busiest streams first.
 */
async function pickTargets(ctx: FaultContext, streams: number): Promise<EventEnvelope[]> {
  const live = await ctx.tools.query<{ id: string; v: number }>(
    'queries',
    `SELECT ID_USER_DATA AS id, VERSION AS v FROM USER_DATA WHERE DELETED = 0 AND VERSION >= 3 ORDER BY VERSION DESC, ID_USER_DATA LIMIT ${CANDIDATES}`,
  );
  const out: EventEnvelope[] = [];
  for (const u of live) {
    const e = await storedEvent(ctx, u.id, Number(u.v) - 1);
    if (e?.type === 'UserRenamed') out.push(e);
    if (out.length >= streams) break;
  }
  return out;
}

async function produceCopy(ctx: FaultContext, faultId: number, how: ConflictHow, original: EventEnvelope): Promise<void> {
  const copy = conflictingEnvelope(original, how, randomUUID);
  const poisonId = randomUUID();
  const at = await produceEvent(ctx, copy, { [POISON_ID_HEADER]: poisonId });
  ctx.recorder.inject({
    faultId,
    what: 'conflict',
    topic: TOPIC,
    ...at,
    key: copy.streamId,
    eventId: copy.eventId,
    streamId: copy.streamId,
    streamVersion: copy.streamVersion,
    poisonId,
    case: how,
  });
}

const spec: KindSpec = {
  params: { how: { kind: 'enum', values: CONFLICT_HOWS }, streams: COUNT(1_000) },
  timing: 'instant',
  targets: { accepts: (t) => t === TOPIC, choices: [TOPIC] },
  arbitrary: () => fc.record({ how: fc.constantFrom(...CONFLICT_HOWS), streams: fc.integer({ min: 1, max: 2 }) }),
  // Its record must be dead-lettered: a crash of an at-most-once projector may lose it, which
  // random schedules (with crashes) cannot tell apart from a missed conflict.
  random: false,
};

export const conflictCopyFamily: FaultFamily = {
  name: 'conflicting copies',
  kinds: { 'conflicting-copy': spec } satisfies Record<keyof ConflictCopyParams, KindSpec>,
  create(ctx) {
    return {
      async start(f, id) {
        const p = f.params as ConflictCopyParams['conflicting-copy'];
        const deadline = Date.now() + WAIT_FOR_CANDIDATES_MS;
        for (;;) {
          const picked = await pickTargets(ctx, p.streams ?? 1);
          for (const e of picked) await produceCopy(ctx, id, p.how ?? 'other-id', e);
          if (picked.length > 0) return;
          if (Date.now() > deadline)
            throw new Error(`no live stream had a rename below its applied version within ${WAIT_FOR_CANDIDATES_MS} ms`);
          await sleep(500);
        }
      },
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
