// Stale redelivery: one old event of a stream, copied from the topic (same key, headers and
// value), produced again after newer events of that stream were applied; and a pair of one
// stream's consecutive events produced again in reverse order. A projector that applies by
// arrival rather than by version regresses the read model; the inbox and version checks must not.
import fc from 'fast-check';
import { HEADERS, TOPIC } from '../../system/shared/events.ts';
import type { FaultContext, FaultFamily, KindSpec, TopicRecord } from './family.ts';
import { COUNT } from './params.ts';
import { sleep } from './wait.ts';

const WAIT_FOR_CANDIDATES_MS = 10_000;

export interface RedeliveryParams {
  stale: { streams?: number }; // streams that each get one stale event (default 1)
  'reversed-pair': { streams?: number }; // streams that each get their last two events reversed
}

export interface StreamEvent {
  record: TopicRecord;
  streamId: string;
  version: number;
  eventId: string;
}

const text = (b: Buffer | undefined) => b?.toString('utf8');

/** The topic's real events by stream, in version order (records without an event envelope are skipped). */
export function eventsByStream(records: readonly TopicRecord[]): Map<string, StreamEvent[]> {
  const out = new Map<string, StreamEvent[]>();
  const seen = new Set<string>();
  for (const r of records) {
    const streamId = r.key?.toString('utf8');
    const version = Number(text(r.headers[HEADERS.streamVersion]));
    const eventId = text(r.headers[HEADERS.eventId]);
    if (!streamId || !eventId || !Number.isInteger(version) || version < 1 || seen.has(eventId)) continue;
    seen.add(eventId);
    out.set(streamId, [...(out.get(streamId) ?? []), { record: r, streamId, version, eventId }]);
  }
  for (const evs of out.values()) evs.sort((a, b) => a.version - b.version);
  return out;
}

/**
 * Picks, per stream, the event one version below what the read model has applied (the most
 * damaging stale copy: applied by arrival, it undoes the latest change). Streams with the most
 * applied events first, so the choice is deterministic for a given state.
 */
export function pickStale(byStream: Map<string, StreamEvent[]>, applied: Map<string, number>, streams: number): StreamEvent[] {
  const candidates: StreamEvent[] = [];
  for (const [id, evs] of byStream) {
    const last = applied.get(id) ?? 0;
    const old = evs.filter((e) => e.version < last).pop();
    if (old) candidates.push(old);
  }
  return candidates
    .sort((a, b) => applied.get(b.streamId)! - applied.get(a.streamId)! || a.streamId.localeCompare(b.streamId))
    .slice(0, streams);
}

/** Per stream, its last two consecutive events (v, v+1), longest streams first. */
export function pickPairs(byStream: Map<string, StreamEvent[]>, streams: number): [StreamEvent, StreamEvent][] {
  const pairs: [StreamEvent, StreamEvent][] = [];
  for (const evs of byStream.values()) {
    for (let i = evs.length - 1; i > 0; i--) {
      if (evs[i]!.version === evs[i - 1]!.version + 1) {
        pairs.push([evs[i - 1]!, evs[i]!]);
        break;
      }
    }
  }
  return pairs.sort((a, b) => b[1].version - a[1].version || a[0].streamId.localeCompare(b[0].streamId)).slice(0, streams);
}

async function reproduce(ctx: FaultContext, faultId: number, what: 'stale' | 'reversed-pair', e: StreamEvent): Promise<void> {
  // Same partition as the original: a redelivery, not a re-route.
  const at = await ctx.tools.produce(TOPIC, {
    key: e.record.key,
    value: e.record.value,
    headers: e.record.headers,
    partition: e.record.partition,
  });
  ctx.recorder.inject({
    faultId,
    what,
    topic: TOPIC,
    ...at,
    key: e.streamId,
    eventId: e.eventId,
    streamId: e.streamId,
    streamVersion: e.version,
  });
}

async function appliedVersions(ctx: FaultContext): Promise<Map<string, number>> {
  const rows = await ctx.tools.query<{ id: string; version: number }>(
    'queries',
    'SELECT ID_USER_DATA AS id, VERSION AS version FROM USER_DATA',
  );
  return new Map(rows.map((r) => [r.id, Number(r.version)]));
}

const spec = (): KindSpec => ({
  traits: ['copies-records'],
  params: { streams: COUNT(1_000) },
  timing: 'instant',
  targets: { accepts: (t) => t === TOPIC, choices: [TOPIC] },
  arbitrary: () => fc.record({ streams: fc.integer({ min: 1, max: 3 }) }),
});

export const redeliveryFamily: FaultFamily = {
  name: 'stale redelivery',
  kinds: { stale: spec(), 'reversed-pair': spec() } satisfies Record<keyof RedeliveryParams, KindSpec>,
  create(ctx) {
    return {
      async start(f, id) {
        const streams = (f.params as { streams?: number }).streams ?? 1;
        // Early in a run no stream may have two events yet: wait a little for one, then say so.
        const deadline = Date.now() + WAIT_FOR_CANDIDATES_MS;
        for (;;) {
          const byStream = eventsByStream(await ctx.tools.readTopic(TOPIC));
          if (f.fault === 'stale') {
            const picked = pickStale(byStream, await appliedVersions(ctx), streams);
            for (const e of picked) await reproduce(ctx, id, 'stale', e);
            if (picked.length > 0) return;
          } else {
            const pairs = pickPairs(byStream, streams);
            for (const [older, newer] of pairs) {
              await reproduce(ctx, id, 'reversed-pair', newer);
              await reproduce(ctx, id, 'reversed-pair', older);
            }
            if (pairs.length > 0) return;
          }
          if (Date.now() > deadline)
            throw new Error(
              `no stream had ${f.fault === 'stale' ? 'an applied event newer than one on the topic' : 'two consecutive events on the topic'} within ${WAIT_FOR_CANDIDATES_MS} ms`,
            );
          await sleep(500);
        }
      },
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
