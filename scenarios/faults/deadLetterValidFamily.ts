// Dead letters on real streams, resolved the way an operator would with `npm run dlq`.
//   outage (default): the read database is unreachable for the projector for longer than its
//     retry budget, so VALID events of workload streams exhaust their retries and go to the
//     dead-letter topic, their streams' later events parked behind them; when the window ends and
//     each such stream's next event has reached the projector (what must park behind the dead
//     letter; a projector that lets it past applies it, or fails it on a missing predecessor),
//     each is replayed (`dlq replay <id>`), which applies it and releases what was parked. Each is
//     recorded as an injection with its original partition/offset.
//   forged: a poison record carrying the hottest stream's id and its next version (a schema
//     violation) is produced while the publishers are frozen for a moment, so it reaches the topic
//     before the stream's real next version; the stream's real later events park behind it until
//     the window ends and the family discards it (`dlq discard <id>`). Recorded as poison (with a
//     poison id) on that stream.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { HEADERS, TOPIC } from '../../system/shared/events.ts';
import { POISON_ID_HEADER } from '../history/types.ts';
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
/** How long a replay waits for a later event of each dead-lettered stream to reach the projector. */
const LATER_EVENT_WAIT_MS = 10_000;

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

/**
 * The open dead letters, read from the table `dlq list` shows: polled, a CLI process per look took
 * seconds on a loaded machine and stretched every window; the actions stay operator commands.
 */
async function openDeadLetters(ctx: FaultContext): Promise<DeadLetterRow[]> {
  const rows = await ctx.tools.query<Record<string, unknown>>(
    'queries',
    `SELECT id, status, topic, kafka_partition, kafka_offset, stream_id, event_id, stream_version, blocks_stream
       FROM dead_letters WHERE status = 'open' ORDER BY id`,
  );
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    id: Number(r.id),
    status: String(r.status),
    topic: String(r.topic),
    partition: Number(r.kafka_partition),
    offset: String(r.kafka_offset),
    streamId: text(r.stream_id),
    eventId: text(r.event_id),
    streamVersion: r.stream_version === null || r.stream_version === undefined ? null : Number(r.stream_version),
    blocksStream: Number(r.blocks_stream) === 1,
  }));
}

/** Open dead letters whose event is a real one of the write side (poison stays in the DLQ; so does a
 *  conflicting copy that reuses a real event's id with other content: it blocks nothing). */
async function openValidDeadLetters(ctx: FaultContext): Promise<DeadLetterRow[]> {
  const open = await openDeadLetters(ctx);
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

/**
 * Dead letters whose stream shows no later version anywhere in the read side yet (parked behind
 * it, applied, or dead-lettered itself): the projector has not been handed its next event.
 */
async function withoutLaterEvent(ctx: FaultContext, dead: readonly DeadLetterRow[]): Promise<DeadLetterRow[]> {
  const streams = [...new Set(dead.map((d) => d.streamId).filter((x): x is string => x !== null))];
  if (streams.length === 0) return [];
  const rows = await ctx.tools.query<{ stream_id: string; v: number }>(
    'queries',
    `SELECT stream_id, MAX(v) AS v FROM (
        SELECT stream_id, stream_version AS v FROM parked_events WHERE stream_id IN (?)
        UNION ALL SELECT stream_id, stream_version FROM applied_events WHERE stream_id IN (?)
        UNION ALL SELECT stream_id, stream_version FROM dead_letters WHERE stream_id IN (?)) x
      GROUP BY stream_id`,
    [streams, streams, streams],
  );
  const highest = new Map(rows.map((r) => [r.stream_id, Number(r.v)]));
  return dead.filter((d) => d.streamId !== null && d.streamVersion !== null && (highest.get(d.streamId) ?? 0) <= d.streamVersion);
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
  // A dead letter only shows whether it blocks its stream once the stream's next event arrived:
  // replayed before that, nothing could have overtaken it. Bounded: a cold stream may get none.
  if (settleMs > 0 && found.length > 0) {
    const until = Date.now() + LATER_EVENT_WAIT_MS;
    let waiting = await withoutLaterEvent(ctx, found);
    while (waiting.length > 0 && Date.now() < until) {
      await sleep(250);
      waiting = await withoutLaterEvent(ctx, waiting);
    }
    for (const d of waiting)
      ctx.log(
        `fault ${faultId ?? '(heal)'}: no later event of ${d.streamId} reached the projector: dead letter #${d.id} replayed unchallenged`,
      );
    // What the later events did: a projector that let them past may have dead-lettered them too.
    found = await openValidDeadLetters(ctx);
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
 * The live stream written most in the last 1,000 events, and the version after its newest one in
 * the event store: its real next version comes soon, so the forged record is challenged. Called
 * with the publishers held, so the forged record reaches the topic before that real version does
 * (committed or not yet). Never a deleted stream: its next version never comes.
 */
async function hottestStream(ctx: FaultContext): Promise<{ streamId: string; next: number } | undefined> {
  const [row] = await ctx.tools.query<{ stream_id: string }>(
    'commands',
    `SELECT e.stream_id FROM events e
      WHERE e.seq > (SELECT MAX(seq) FROM events) - 1000
        AND e.stream_id NOT IN (SELECT ID_USER_DATA FROM USER_DATA WHERE DELETED = 1)
      GROUP BY e.stream_id ORDER BY COUNT(*) DESC, e.stream_id LIMIT 1`,
  );
  if (!row) return undefined;
  const [v] = await ctx.tools.query<{ v: number }>('commands', 'SELECT MAX(stream_version) AS v FROM events WHERE stream_id = ?', [
    row.stream_id,
  ]);
  return { streamId: row.stream_id, next: Number(v?.v ?? 0) + 1 };
}

/** Runs `f` with every publisher process (relays, a Connect worker) frozen: no real event reaches the topic meanwhile. */
async function withPublishersHeld<T>(ctx: FaultContext, f: () => Promise<T>): Promise<T> {
  const publishers = (await ctx.control.targets()).filter((t) => /^(relay|connect)(#\d+)?$/.test(t));
  const held: string[] = [];
  try {
    for (const t of publishers) {
      await ctx.control.pause(t);
      held.push(t);
    }
    return await f();
  } finally {
    for (const t of held) await ctx.control.resume(t);
  }
}

/** Produces a schema-violating UserRenamed on a real stream at its next version; returns its event id. */
async function forge(ctx: FaultContext, faultId: number): Promise<string> {
  return withPublishersHeld(ctx, () => forgeOnHottest(ctx, faultId));
}

async function forgeOnHottest(ctx: FaultContext, faultId: number): Promise<string> {
  const target = await hottestStream(ctx);
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

/** Whether a real event of the stream at `version` or later has reached the read side (parked or applied). */
async function realEventArrived(ctx: FaultContext, d: DeadLetterRow): Promise<boolean> {
  const rows = await ctx.tools.query<{ n: number }>(
    'queries',
    `SELECT COUNT(*) AS n FROM (
        SELECT event_id FROM parked_events WHERE stream_id = ? AND stream_version >= ?
        UNION ALL SELECT event_id FROM applied_events WHERE stream_id = ? AND stream_version >= ?) x
      WHERE event_id <> ?`,
    [d.streamId, d.streamVersion, d.streamId, d.streamVersion, d.eventId],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * Waits for the forged record's dead letter and discards it, which releases the parked events.
 * Not before the stream's real event at that version reached the projector (bounded: the stream
 * may get none): discarded earlier, nothing could have shown whether the dead letter held it back.
 */
async function discardForged(ctx: FaultContext, faultId: number, eventId: string, settleMs: number): Promise<void> {
  const deadline = Date.now() + Math.max(settleMs, 20_000);
  let mine: DeadLetterRow | undefined;
  while (!(mine = (await openDeadLetters(ctx)).find((d) => d.eventId === eventId))) {
    if (Date.now() > deadline) throw new Error(`the forged record ${eventId} was not dead-lettered in time`);
    await sleep(250);
  }
  if (settleMs > 0) {
    const until = Date.now() + LATER_EVENT_WAIT_MS;
    let arrived = await realEventArrived(ctx, mine);
    while (!arrived && Date.now() < until) {
      await sleep(250);
      arrived = await realEventArrived(ctx, mine);
    }
    if (!arrived)
      ctx.log(
        `fault ${faultId}: no real event of ${mine.streamId} reached the projector: forged dead letter #${mine.id} discarded unchallenged`,
      );
  }
  ctx.log(`fault ${faultId}: ${(await ctx.tools.dlq(['discard', String(mine.id)])).trim()}`);
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
