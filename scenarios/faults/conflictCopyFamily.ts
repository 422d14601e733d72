// Conflicting copies: a record at a stream version the read model has already applied, but NOT
// that event: another event id (`other-id`), or the same id with other content (`other-content`).
// Neither a redelivery nor new: the projector must dead-letter it as a conflict, never drop it as
// a duplicate and never apply it over newer state. Each copy is recorded with where it landed
// (the conflict-missed checker finds it in the DLQ or the applied log by that position) and
// carries a poison id, so it is not taken for a valid event dead-lettered.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { HEADERS, TOPIC } from '../../system/shared/events.ts';
import { POISON_ID_HEADER } from '../checkers/types.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';
import { eventsByStream, type StreamEvent } from './redeliveryFamily.ts';
import { sleep } from './wait.ts';

export const CONFLICT_HOWS = ['other-id', 'other-content'] as const;
export type ConflictHow = (typeof CONFLICT_HOWS)[number];
export interface ConflictCopyParams {
  'conflicting-copy': { how?: ConflictHow; streams?: number };
}

const WAIT_FOR_CANDIDATES_MS = 10_000;

/**
 * Per stream, the event one below the applied version (an applied version with a newer one after
 * it, so applying the copy would move the state back), when it is a rename (a copy of a rename
 * applies to any live user: only the version rule can refuse it). Busiest streams first.
 */
export function pickConflictTargets(byStream: Map<string, StreamEvent[]>, applied: Map<string, number>, streams: number): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const [id, evs] of byStream) {
    const last = applied.get(id) ?? 0;
    const target = evs.find((e) => e.version === last - 1 && e.record.headers[HEADERS.eventType]?.toString('utf8') === 'UserRenamed');
    if (target) out.push(target);
  }
  return out.sort((a, b) => b.version - a.version || a.streamId.localeCompare(b.streamId)).slice(0, streams);
}

/** The copy's envelope: another id, or the same id with another correlation id (other content). */
export function conflictingEnvelope(value: Buffer, how: ConflictHow, fresh: () => string): Record<string, unknown> {
  const env = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
  if (how === 'other-id') return { ...env, eventId: fresh() };
  return { ...env, correlationId: `conflicting-copy-${fresh()}` };
}

async function produceCopy(ctx: FaultContext, faultId: number, how: ConflictHow, e: StreamEvent): Promise<void> {
  if (e.record.value === null) return;
  const env = conflictingEnvelope(e.record.value, how, randomUUID);
  const poisonId = randomUUID();
  const eventId = String(env.eventId);
  const headers: Record<string, Buffer | string> = { ...e.record.headers, [HEADERS.eventId]: eventId, [POISON_ID_HEADER]: poisonId };
  if (typeof env.correlationId === 'string') headers[HEADERS.correlationId] = env.correlationId;
  // Same partition as the stream's records: a conflict, not a re-route.
  const at = await ctx.tools.produce(TOPIC, { key: e.record.key, value: JSON.stringify(env), headers, partition: e.record.partition });
  ctx.recorder.inject({
    faultId,
    what: 'conflict',
    topic: TOPIC,
    ...at,
    key: e.streamId,
    eventId,
    streamId: e.streamId,
    streamVersion: e.version,
    poisonId,
    case: how,
  });
}

async function appliedVersions(ctx: FaultContext): Promise<Map<string, number>> {
  const rows = await ctx.tools.query<{ id: string; version: number }>(
    'queries',
    'SELECT ID_USER_DATA AS id, VERSION AS version FROM USER_DATA',
  );
  return new Map(rows.map((r) => [r.id, Number(r.version)]));
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
          const picked = pickConflictTargets(eventsByStream(await ctx.tools.readTopic(TOPIC)), await appliedVersions(ctx), p.streams ?? 1);
          for (const e of picked) await produceCopy(ctx, id, p.how ?? 'other-id', e);
          if (picked.length > 0) return;
          if (Date.now() > deadline) throw new Error(`no stream had two applied events within ${WAIT_FOR_CANDIDATES_MS} ms`);
          await sleep(500);
        }
      },
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
