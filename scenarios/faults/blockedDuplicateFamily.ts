// A duplicate delivered to a blocked stream: once a real stream has an open dead letter (its later
// events parked behind it), one of its already applied events is produced again (same key,
// headers and value, same partition). Effectively-once must drop it as a known duplicate at once
// (its inbox is consulted before the block); parking it means the inbox was skipped.
import fc from 'fast-check';
import { TOPIC } from '../../system/shared/events.ts';
import { produceEvent, storedEvent } from './eventStoreRecord.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { sleep } from './wait.ts';

export interface BlockedDuplicateParams {
  'blocked-duplicate': { waitMs?: number }; // how long to wait for a blocked stream (default 10 s)
}

const DEFAULT_WAIT_MS = 10_000;

/**
 * The newest applied event of the first blocked stream, among events never parked before (parking
 * is keyed by event id: a second park of one event leaves no trace). `events` per stream: its
 * applied events, newest first.
 */
export function pickBlockedDuplicate(
  events: ReadonlyMap<string, readonly { eventId: string; version: number }[]>,
  everParked: ReadonlySet<string>,
): { streamId: string; version: number } | undefined {
  for (const s of [...events.keys()].sort()) {
    const e = events.get(s)!.find((x) => !everParked.has(x.eventId));
    if (e) return { streamId: s, version: e.version };
  }
  return undefined;
}

/** Streams with an open blocking dead letter, each with its applied events (newest first), and every event id ever parked on them. */
async function blockedStreams(ctx: FaultContext) {
  const rows = await ctx.tools.query<{ s: string; v: number }>(
    'queries',
    `SELECT d.stream_id AS s, u.VERSION AS v FROM dead_letters d JOIN USER_DATA u ON u.ID_USER_DATA = d.stream_id
      WHERE d.status = 'open' AND d.blocks_stream = 1`,
  );
  const events = new Map<string, { eventId: string; version: number }[]>();
  for (const r of rows) {
    const evs = await ctx.tools.query<{ e: string; v: number }>(
      'commands',
      'SELECT event_id AS e, stream_version AS v FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT 20',
      [r.s, Number(r.v)],
    );
    events.set(
      r.s,
      evs.map((x) => ({ eventId: x.e, version: Number(x.v) })),
    );
  }
  const ids = [...events.keys()];
  const parked =
    ids.length === 0
      ? []
      : await ctx.tools.query<{ e: string }>('queries', 'SELECT event_id AS e FROM parked_events WHERE stream_id IN (?)', [ids]);
  return { events, everParked: new Set(parked.map((r) => r.e)) };
}

const spec: KindSpec = {
  traits: ['copies-records'],
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
          const { events, everParked } = await blockedStreams(ctx);
          const pick = pickBlockedDuplicate(events, everParked);
          const e = pick && (await storedEvent(ctx, pick.streamId, pick.version));
          if (e) {
            const at = await produceEvent(ctx, e);
            ctx.recorder.inject({
              faultId,
              what: 'blocked-duplicate',
              topic: TOPIC,
              ...at,
              key: e.streamId,
              eventId: e.eventId,
              streamId: e.streamId,
              streamVersion: e.streamVersion,
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
