// A duplicate delivered to a blocked stream: once a real stream has an open dead letter (its later
// events parked behind it), one of its already applied events is produced again (same key,
// headers and value, same partition). Effectively-once must drop it as a known duplicate at once
// (its inbox is consulted before the block); parking it means the inbox was skipped.
import fc from 'fast-check';
import { TOPIC } from '../../system/shared/events.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { eventsByStream, type StreamEvent } from './redeliveryFamily.ts';
import { sleep } from './wait.ts';

export interface BlockedDuplicateParams {
  'blocked-duplicate': { waitMs?: number }; // how long to wait for a blocked stream (default 10 s)
}

const DEFAULT_WAIT_MS = 10_000;

/**
 * The newest applied event of the first blocked stream that has one on the topic, among events
 * never parked before (parking is keyed by event id: a second park of one event leaves no trace).
 */
export function pickBlockedDuplicate(
  byStream: Map<string, StreamEvent[]>,
  blocked: readonly string[],
  applied: Map<string, number>,
  everParked: ReadonlySet<string> = new Set(),
): StreamEvent | undefined {
  for (const s of [...blocked].sort()) {
    const last = applied.get(s) ?? 0;
    const e = (byStream.get(s) ?? []).filter((x) => x.version <= last && !everParked.has(x.eventId)).pop();
    if (e) return e;
  }
  return undefined;
}

async function blockedStreams(ctx: FaultContext): Promise<{ blocked: string[]; applied: Map<string, number>; everParked: Set<string> }> {
  const rows = await ctx.tools.query<{ s: string; v: number }>(
    'queries',
    `SELECT d.stream_id AS s, u.VERSION AS v FROM dead_letters d JOIN USER_DATA u ON u.ID_USER_DATA = d.stream_id
      WHERE d.status = 'open' AND d.blocks_stream = 1`,
  );
  const blocked = rows.map((r) => r.s);
  const parked =
    blocked.length === 0
      ? []
      : await ctx.tools.query<{ e: string }>('queries', 'SELECT event_id AS e FROM parked_events WHERE stream_id IN (?)', [blocked]);
  return { blocked, applied: new Map(rows.map((r) => [r.s, Number(r.v)])), everParked: new Set(parked.map((r) => r.e)) };
}

const spec: KindSpec = {
  params: { waitMs: { kind: 'int', min: 0, max: 60_000 } },
  timing: 'instant',
  targets: { accepts: (t) => t === TOPIC, choices: [TOPIC] },
  arbitrary: () => fc.constant({}),
  // Needs a dead-lettered stream at that moment, which only a scenario's own schedule arranges.
  random: false,
};

export const blockedDuplicateFamily: FaultFamily = {
  name: 'duplicates to blocked streams',
  kinds: { 'blocked-duplicate': spec } satisfies Record<keyof BlockedDuplicateParams, KindSpec>,
  create(ctx) {
    return {
      async start(f, faultId) {
        const waitMs = (f.params as BlockedDuplicateParams['blocked-duplicate']).waitMs ?? DEFAULT_WAIT_MS;
        const deadline = Date.now() + waitMs;
        for (;;) {
          const { blocked, applied } = await blockedStreams(ctx);
          const e =
            blocked.length > 0 ? pickBlockedDuplicate(eventsByStream(await ctx.tools.readTopic(TOPIC)), blocked, applied) : undefined;
          if (e) {
            const at = await ctx.tools.produce(TOPIC, {
              key: e.record.key,
              value: e.record.value,
              headers: e.record.headers,
              partition: e.record.partition,
            });
            ctx.recorder.inject({
              faultId,
              what: 'blocked-duplicate',
              topic: TOPIC,
              ...at,
              key: e.streamId,
              eventId: e.eventId,
              streamId: e.streamId,
              streamVersion: e.version,
            });
            return;
          }
          if (Date.now() > deadline) throw new Error(`no real stream had an open dead letter and an applied event within ${waitMs} ms`);
          await sleep(250);
        }
      },
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
