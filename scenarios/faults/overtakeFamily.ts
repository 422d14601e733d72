// Overtaking: a stream's later event reaches the projector before the one just before it. While
// the relay is held back (SIGSTOP for the window) the workload keeps writing; when the window
// ends, for streams with at least two outbox rows the relay never claimed (so never sent), the
// second of them (version F+1) is produced, built from the event store exactly as the relay would
// publish it, and only then is the relay let go, so F arrives after F+1. The projector must park
// F+1 until F is applied (a gap), never apply it first.
import fc from 'fast-check';
import { TOPIC } from '../../system/shared/events.ts';
import { produceEvent, storedEvent } from './eventStoreRecord.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';
import { processKey } from './processFamilies.ts';
import { sleep } from './wait.ts';

export interface OvertakeParams {
  overtake: { streams?: number }; // streams that each get one event ahead of its predecessor (default 2)
}

/** How long past the window the relay stays held while no stream has two unsent events. */
const EXTRA_HOLD_MS = 5_000;

/** Per stream: its lowest outbox version the relay never claimed, and how many such rows it has. */
export interface UnsentRows {
  streamId: string;
  firstUnsent: number;
  unsent: number;
}

/**
 * Streams with two or more unsent rows, whose first unsent version is at least 2 (the user is
 * registered, so the overtaking event could apply at once): event firstUnsent+1 can then arrive
 * before firstUnsent. Most unsent rows first, then by id, so the choice is deterministic.
 */
export function pickOvertakes(rows: readonly UnsentRows[], streams: number): { streamId: string; version: number }[] {
  return rows
    .filter((r) => r.unsent >= 2 && r.firstUnsent >= 2)
    .sort((a, b) => b.unsent - a.unsent || a.streamId.localeCompare(b.streamId))
    .slice(0, streams)
    .map((r) => ({ streamId: r.streamId, version: r.firstUnsent + 1 }));
}

/**
 * Unpublished rows nobody claimed: the relay sends only what it claimed, so these are not on the
 * topic. Streams with an open dead letter are left out: the projector parks all of their records
 * behind it and releases them in version order, so an overtake there never reaches the apply path.
 */
async function unsentRows(ctx: FaultContext): Promise<UnsentRows[]> {
  const rows = await ctx.tools.query<{ s: string; f: number; n: number }>(
    'commands',
    `SELECT stream_id AS s, MIN(stream_version) AS f, COUNT(*) AS n FROM outbox
      WHERE published_at IS NULL AND claimed_by IS NULL GROUP BY stream_id`,
  );
  const held = new Set(
    (await ctx.tools.query<{ s: string }>('queries', "SELECT DISTINCT stream_id AS s FROM dead_letters WHERE status = 'open'")).map(
      (r) => r.s,
    ),
  );
  return rows.filter((r) => !held.has(r.s)).map((r) => ({ streamId: r.s, firstUnsent: Number(r.f), unsent: Number(r.n) }));
}

async function injectAhead(ctx: FaultContext, faultId: number, o: { streamId: string; version: number }): Promise<void> {
  const e = await storedEvent(ctx, o.streamId, o.version);
  if (!e) throw new Error(`event ${o.streamId} v${o.version} is in the outbox but not in the event store`);
  const at = await produceEvent(ctx, e);
  ctx.recorder.inject({
    faultId,
    what: 'overtake',
    topic: TOPIC,
    ...at,
    key: o.streamId,
    eventId: e.eventId,
    streamId: o.streamId,
    streamVersion: o.version,
  });
}

const spec: KindSpec = {
  traits: ['copies-records'],
  params: { streams: COUNT(1_000) },
  timing: 'window',
  targets: { accepts: (t) => t === 'relay', choices: ['relay'] },
  arbitrary: () => fc.record({ streams: fc.integer({ min: 1, max: 3 }) }),
  exclusive: processKey,
  lane: processKey,
  // Drawn by name only: random schedules keep drawing what they drew before at a given seed.
  random: false,
};

export const overtakeFamily: FaultFamily = {
  name: 'overtaking',
  kinds: { overtake: spec } satisfies Record<keyof OvertakeParams, KindSpec>,
  create(ctx) {
    const held = new Set<string>();
    const resumeAll = async () => {
      for (const t of held) await ctx.control.resume(t);
      held.clear();
    };
    return {
      async start(_f, id) {
        const relays = (await ctx.control.targets()).filter((x) => x === 'relay' || x.startsWith('relay#'));
        // dual-write publishes from the command service: no relay runs, nothing can be held back.
        if (relays.length === 0) return ctx.log(`fault ${id}: overtake: no relay is running (dual-write?); nothing overtakes`);
        for (const t of relays) {
          await ctx.control.pause(t);
          held.add(t);
        }
      },
      async stop(f, id) {
        if (held.size === 0) return;
        try {
          const deadline = Date.now() + EXTRA_HOLD_MS;
          for (;;) {
            const picked = pickOvertakes(await unsentRows(ctx), (f.params as { streams?: number }).streams ?? 2);
            for (const o of picked) await injectAhead(ctx, id, o);
            if (picked.length > 0) return;
            if (Date.now() > deadline)
              throw new Error(`no stream had two unsent outbox rows within ${EXTRA_HOLD_MS} ms of holding the relay`);
            await sleep(500);
          }
        } finally {
          await resumeAll();
        }
      },
      heal: () => resumeAll().catch((err: Error) => ctx.log(`heal: resume relay: ${err.message}`)),
    };
  },
};
