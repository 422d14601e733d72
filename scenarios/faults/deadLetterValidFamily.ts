// Dead letters on real streams, resolved the way an operator would with `npm run dlq`.
//   outage (default): the read database is unreachable for the projector for longer than its
//     retry budget, so VALID events of workload streams exhaust their retries and go to the
//     dead-letter topic, their streams' later events parked behind them; when the window ends each
//     is replayed (`dlq replay <id>`), which applies it and releases what was parked. Each is
//     recorded as an injection with its original partition/offset.
//   forged: a poison record carrying a real stream's id and its next version (a schema violation)
//     is produced; the stream's real later events park behind it until the window ends and the
//     family discards it (`dlq discard <id>`). Recorded as poison (with a poison id) on that stream.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { HEADERS, TOPIC } from '../../system/shared/events.ts';
import { POISON_ID_HEADER } from '../checkers/types.ts';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { applyProxyAction } from './toxics.ts';
import { sleep } from './wait.ts';

export const DEAD_LETTER_MODES = ['outage', 'forged'] as const;
export interface DeadLetterValidParams {
  'dead-letter-valid': { how?: (typeof DEAD_LETTER_MODES)[number]; settleMs?: number };
}

const LINK = 'projector-db' as const;
/** How long to wait after the outage for the dead letters to be written before replaying them. */
const DEFAULT_SETTLE_MS = 5_000;
const STABLE_MS = 1_500;

interface DeadLetterRow {
  id: number;
  status: string;
  topic: string;
  partition: number;
  offset: string;
  streamId: string | null;
  eventId: string | null;
  streamVersion: number | null;
  blocksStream?: boolean; // false: a conflicting copy (another event under a real id): never replayed
}

/** Open dead letters whose event is a real one of the write side (poison stays in the DLQ; so does a
 *  conflicting copy that reuses a real event's id with other content: it blocks nothing). */
async function openValidDeadLetters(ctx: FaultContext): Promise<DeadLetterRow[]> {
  const open = (JSON.parse(await ctx.tools.dlq(['list', '--json'])) as { deadLetters: DeadLetterRow[] }).deadLetters;
  const ids = open.map((d) => d.eventId).filter((x): x is string => typeof x === 'string');
  if (ids.length === 0) return [];
  const real = new Set(
    (
      await ctx.tools.query<{ event_id: string }>(
        'commands',
        `SELECT event_id FROM events WHERE event_id IN (${ids.map(() => '?').join(',')})`,
        ids,
      )
    ).map((r) => r.event_id),
  );
  return open.filter((d) => d.status === 'open' && d.blocksStream !== false && d.eventId !== null && real.has(d.eventId));
}

/** Replays each open dead letter of a real event (oldest first) and records it; returns how many. */
async function replayValid(ctx: FaultContext, faultId: number | undefined, settleMs: number): Promise<number> {
  const deadline = Date.now() + settleMs;
  let found = await openValidDeadLetters(ctx);
  // The projector writes each partition's dead_letters row only once the database is back: wait
  // until some are there and no new one came for a while (or the settle time is up).
  let stableSince = Date.now();
  while (Date.now() < deadline && (found.length === 0 || Date.now() - stableSince < STABLE_MS)) {
    await sleep(250);
    const again = await openValidDeadLetters(ctx);
    if (again.length !== found.length) stableSince = Date.now();
    found = again;
  }
  for (const d of found.sort((a, b) => a.id - b.id)) {
    ctx.recorder.inject({
      ...(faultId !== undefined ? { faultId } : {}),
      what: 'dead-letter-valid',
      topic: d.topic,
      partition: d.partition,
      offset: String(d.offset),
      key: d.streamId,
      ...(d.eventId ? { eventId: d.eventId } : {}),
      ...(d.streamId ? { streamId: d.streamId } : {}),
      ...(d.streamVersion !== null ? { streamVersion: d.streamVersion } : {}),
    });
  }
  // One operator command for all of them, oldest first (a process per id took seconds each).
  if (found.length > 0)
    ctx.log(
      `fault ${faultId ?? '(heal)'}: ${(await ctx.tools.dlq(['replay', ...found.map((d) => String(d.id))])).trim().replace(/\n/g, '; ')}`,
    );
  return found.length;
}

/**
 * The stream with the most events, and its next version: where a forged record hurts most. Among
 * streams quiet for the last ~100 events (over a second of the workload), so the forged record
 * reaches the projector before the stream's real next version does; a stream written to that
 * moment would often have its real event applied first, and the forged one be a mere conflict.
 */
async function busiestStream(ctx: FaultContext): Promise<{ streamId: string; next: number } | undefined> {
  const [row] = await ctx.tools.query<{ stream_id: string; v: number }>(
    'commands',
    `SELECT e.stream_id, MAX(e.stream_version) AS v FROM events e GROUP BY e.stream_id
      HAVING MAX(e.seq) < (SELECT MAX(seq) FROM events) - 100 OR COUNT(*) = (SELECT COUNT(*) FROM events)
      ORDER BY v DESC, e.stream_id LIMIT 1`,
  );
  return row ? { streamId: row.stream_id, next: Number(row.v) + 1 } : undefined;
}

/** Produces a schema-violating UserRenamed on a real stream at its next version; returns its event id. */
async function forge(ctx: FaultContext, faultId: number): Promise<string> {
  const target = await busiestStream(ctx);
  if (!target) throw new Error('no stream has events yet: nothing to forge a dead letter on');
  const eventId = randomUUID();
  const poisonId = randomUUID();
  const value = {
    eventId,
    streamId: target.streamId,
    streamVersion: target.next,
    type: 'UserRenamed',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    correlationId: `forged-${poisonId}`,
    causationId: `forged-${poisonId}`,
    payload: { name: 42 }, // a number where a name must be: can never apply
  };
  const headers = {
    [HEADERS.eventId]: eventId,
    [HEADERS.eventType]: 'UserRenamed',
    [HEADERS.schemaVersion]: '1',
    [HEADERS.streamVersion]: String(target.next),
    [POISON_ID_HEADER]: poisonId,
  };
  const at = await ctx.tools.produce(TOPIC, { key: target.streamId, value: JSON.stringify(value), headers });
  ctx.recorder.inject({
    faultId,
    what: 'poison',
    topic: TOPIC,
    ...at,
    key: target.streamId,
    poisonId,
    case: 'forged-next-version',
    eventId,
    streamId: target.streamId,
    streamVersion: target.next,
  });
  return eventId;
}

/** Waits for the forged record's dead letter and discards it, which releases the parked events. */
async function discardForged(ctx: FaultContext, faultId: number, eventId: string, settleMs: number): Promise<void> {
  const deadline = Date.now() + Math.max(settleMs, 20_000);
  for (;;) {
    const open = (JSON.parse(await ctx.tools.dlq(['list', '--json'])) as { deadLetters: DeadLetterRow[] }).deadLetters;
    const mine = open.find((d) => d.eventId === eventId && d.status === 'open');
    if (mine) {
      ctx.log(`fault ${faultId}: ${(await ctx.tools.dlq(['discard', String(mine.id)])).trim()}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`the forged record ${eventId} was not dead-lettered in time`);
    await sleep(250);
  }
}

const spec: KindSpec = {
  params: { how: { kind: 'enum', values: DEAD_LETTER_MODES }, settleMs: { kind: 'int', min: 0, max: 60_000 } },
  timing: 'window',
  // outage: the projector's database link; forged: the topic.
  targets: { accepts: (t) => t === LINK || t === TOPIC, choices: [LINK, TOPIC] },
  check: ({ target, params }) =>
    (params.how === 'forged') !== (target === TOPIC)
      ? [`how: ${String(params.how ?? 'outage')} needs target ${params.how === 'forged' ? TOPIC : LINK}`]
      : [],
  arbitrary: (_o, target) => fc.constant(target === TOPIC ? { how: 'forged' } : {}),
  exclusive: (f) => (f.target === LINK ? `proxy-enabled:${LINK}` : undefined),
  // Needs a window longer than the projector's retry budget, which random schedules do not know.
  random: false,
};

export const deadLetterValidFamily: FaultFamily = {
  name: 'valid events dead-lettered',
  kinds: { 'dead-letter-valid': spec } satisfies Record<keyof DeadLetterValidParams, KindSpec>,
  create(ctx) {
    const toxi = new Toxiproxy(ctx.env.toxiproxy.api);
    const open = new Set<number>();
    const forged = new Map<number, string>();
    let ran = false;
    return {
      async start(f, id) {
        if (f.target === TOPIC) {
          forged.set(id, await forge(ctx, id));
          return;
        }
        open.add(id);
        ran = true;
        await applyProxyAction(toxi, ctx.env, { link: LINK, action: 'disable' }, true);
      },
      async stop(f, id) {
        const settleMs = (f.params as DeadLetterValidParams['dead-letter-valid']).settleMs ?? DEFAULT_SETTLE_MS;
        const eventId = forged.get(id);
        if (eventId !== undefined) {
          forged.delete(id);
          return discardForged(ctx, id, eventId, settleMs);
        }
        await applyProxyAction(toxi, ctx.env, { link: LINK, action: 'disable' }, false);
        open.delete(id);
        const n = await replayValid(ctx, id, settleMs);
        if (n === 0) ctx.log(`fault ${id}: no valid event was dead-lettered (was the outage shorter than the retry budget?)`);
      },
      async heal() {
        // The proxy came back with the nemesis's reset; replay what an interrupted window left, and
        // any valid event a slow partition dead-lettered after its window's replay.
        if (ran)
          await replayValid(ctx, [...open][0], open.size > 0 ? DEFAULT_SETTLE_MS : 0).catch((err: Error) =>
            ctx.log(`heal: dlq replay: ${err.message}`),
          );
        open.clear();
        for (const [id, eventId] of forged)
          await discardForged(ctx, id, eventId, DEFAULT_SETTLE_MS).catch((err: Error) => ctx.log(`heal: dlq discard: ${err.message}`));
        forged.clear();
      },
    };
  },
};
