// A valid event dead-lettered: the read database is unreachable for the projector for longer than
// its retry budget, so events of real workload streams exhaust their retries and go to the
// dead-letter topic, and their streams' later events are parked behind them. When the window ends
// the family resolves them the way an operator would, with `npm run dlq -- replay <id>`, which
// applies each and releases what was parked. Each dead-lettered valid event is recorded as an
// injection (with its original partition/offset) so checkers know it was dead-lettered on purpose.
import fc from 'fast-check';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { applyProxyAction } from './toxics.ts';
import { sleep } from './wait.ts';

export interface DeadLetterValidParams {
  'dead-letter-valid': { settleMs?: number };
}

const LINK = 'projector-db' as const;
/** How long to wait after the outage for the dead letters to be written before replaying them. */
const DEFAULT_SETTLE_MS = 5_000;
const STABLE_MS = 1_500;

interface DeadLetterRow { id: number; status: string; topic: string; partition: number; offset: string; streamId: string | null; eventId: string | null; streamVersion: number | null }

/** Open dead letters whose event is a real one of the write side (poison stays in the DLQ). */
async function openValidDeadLetters(ctx: FaultContext): Promise<DeadLetterRow[]> {
  const open = JSON.parse(await ctx.tools.dlq(['list', '--json'])) as DeadLetterRow[];
  const ids = open.map((d) => d.eventId).filter((x): x is string => typeof x === 'string');
  if (ids.length === 0) return [];
  const real = new Set((await ctx.tools.query<{ event_id: string }>('commands', `SELECT event_id FROM events WHERE event_id IN (${ids.map(() => '?').join(',')})`, ids)).map((r) => r.event_id));
  return open.filter((d) => d.status === 'open' && d.eventId !== null && real.has(d.eventId));
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
      ...(faultId !== undefined ? { faultId } : {}), what: 'dead-letter-valid', topic: d.topic, partition: d.partition, offset: String(d.offset), key: d.streamId,
      ...(d.eventId ? { eventId: d.eventId } : {}), ...(d.streamId ? { streamId: d.streamId } : {}), ...(d.streamVersion !== null ? { streamVersion: d.streamVersion } : {}),
    });
    ctx.log(`fault ${faultId ?? '(heal)'}: ${(await ctx.tools.dlq(['replay', String(d.id)])).trim()}`);
  }
  return found.length;
}

const spec: KindSpec = {
  params: { settleMs: { kind: 'int', min: 0, max: 60_000 } },
  timing: 'window',
  targets: { accepts: (t) => t === LINK, choices: [LINK] },
  arbitrary: () => fc.constant({}),
  exclusive: () => `proxy-enabled:${LINK}`,
  // Needs a window longer than the projector's retry budget, which random schedules do not know.
  random: false,
};

export const deadLetterValidFamily: FaultFamily = {
  name: 'valid events dead-lettered',
  kinds: { 'dead-letter-valid': spec } satisfies Record<keyof DeadLetterValidParams, KindSpec>,
  create(ctx) {
    const toxi = new Toxiproxy(ctx.env.toxiproxy.api);
    const open = new Set<number>();
    let ran = false;
    return {
      async start(_f, id) {
        open.add(id);
        ran = true;
        await applyProxyAction(toxi, ctx.env, { link: LINK, action: 'disable' }, true);
      },
      async stop(f, id) {
        await applyProxyAction(toxi, ctx.env, { link: LINK, action: 'disable' }, false);
        open.delete(id);
        const n = await replayValid(ctx, id, (f.params as DeadLetterValidParams['dead-letter-valid']).settleMs ?? DEFAULT_SETTLE_MS);
        if (n === 0) ctx.log(`fault ${id}: no valid event was dead-lettered (was the outage shorter than the retry budget?)`);
      },
      async heal() {
        // The proxy came back with the nemesis's reset; replay what an interrupted window left, and
        // any valid event a slow partition dead-lettered after its window's replay.
        if (ran) await replayValid(ctx, [...open][0], open.size > 0 ? DEFAULT_SETTLE_MS : 0).catch((err: Error) => ctx.log(`heal: dlq replay: ${err.message}`));
        open.clear();
      },
    };
  },
};
