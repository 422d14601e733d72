// Overtaking: a stream's later event reaches the projector before the one just before it. While
// the relay is held back (SIGSTOP for the window) the workload keeps writing; when the window
// ends, for streams whose newest published version is P while the write side already has P+2,
// a copy of event P+2 (built from the event store exactly as the relay would publish it) is
// produced on the stream's partition, and only then is the relay let go, so P+1 arrives after
// P+2. The projector must park P+2 until P+1 is applied (a gap), never apply it first.
import fc from 'fast-check';
import type { EventEnvelope, EventType } from '../../system/shared/events.ts';
import { TOPIC } from '../../system/shared/events.ts';
import { envelopeToMessage } from '../../system/shared/kafka.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';
import { processKey } from './processFamilies.ts';
import { eventsByStream, type StreamEvent } from './redeliveryFamily.ts';
import { sleep } from './wait.ts';

export interface OvertakeParams {
  overtake: { streams?: number }; // streams that each get one event ahead of its predecessor (default 2)
}

/** How long past the window the relay stays held while no stream is two versions ahead. */
const EXTRA_HOLD_MS = 5_000;
/** After SIGSTOP, a produce the relay had already written to its socket may still land. */
const SETTLE_MS = 500;

export interface Overtake {
  streamId: string;
  version: number; // P+2
  partition: number; // where the stream's records are
}

/**
 * Streams whose write side is at least two versions past the newest version on the topic (P):
 * event P+2 can then arrive before P+1. Only streams already on the topic (their partition is
 * known); most unpublished events first, then by id, so the choice is deterministic.
 */
export function pickOvertakes(onTopic: Map<string, StreamEvent[]>, written: Map<string, number>, streams: number): Overtake[] {
  const out: (Overtake & { ahead: number })[] = [];
  for (const [streamId, evs] of onTopic) {
    const newest = evs[evs.length - 1];
    const w = written.get(streamId) ?? 0;
    if (!newest || w < newest.version + 2) continue;
    out.push({ streamId, version: newest.version + 2, partition: newest.record.partition, ahead: w - newest.version });
  }
  return out
    .sort((a, b) => b.ahead - a.ahead || a.streamId.localeCompare(b.streamId))
    .slice(0, streams)
    .map(({ streamId, version, partition }) => ({ streamId, version, partition }));
}

interface EventRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  occurred_at: Date | string;
  correlation_id: string;
  causation_id: string;
  traceparent: string | null;
  payload: unknown;
}

/** An event-store row as the envelope the relay publishes (same fields, same content hash). */
export function envelopeOf(r: EventRow): EventEnvelope {
  const env: EventEnvelope = {
    eventId: r.event_id,
    streamId: r.stream_id,
    streamVersion: Number(r.stream_version),
    type: r.type as EventType,
    schemaVersion: Number(r.schema_version),
    occurredAt: new Date(r.occurred_at).toISOString(),
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as EventEnvelope['payload'],
  };
  if (r.traceparent) env.traceparent = r.traceparent;
  return env;
}

async function writtenVersions(ctx: FaultContext): Promise<Map<string, number>> {
  const rows = await ctx.tools.query<{ s: string; v: number }>(
    'commands',
    'SELECT stream_id AS s, MAX(stream_version) AS v FROM events GROUP BY stream_id',
  );
  return new Map(rows.map((r) => [r.s, Number(r.v)]));
}

async function injectAhead(ctx: FaultContext, faultId: number, o: Overtake): Promise<void> {
  const [row] = await ctx.tools.query<EventRow>(
    'commands',
    'SELECT event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload FROM events WHERE stream_id = ? AND stream_version = ?',
    [o.streamId, o.version],
  );
  if (!row) throw new Error(`event ${o.streamId} v${o.version} vanished from the event store`);
  const m = envelopeToMessage(envelopeOf(row));
  const at = await ctx.tools.produce(TOPIC, {
    key: m.key,
    value: m.value,
    headers: m.headers as Record<string, Buffer>,
    partition: o.partition,
  });
  ctx.recorder.inject({
    faultId,
    what: 'overtake',
    topic: TOPIC,
    ...at,
    key: o.streamId,
    eventId: row.event_id,
    streamId: o.streamId,
    streamVersion: o.version,
  });
}

const spec: KindSpec = {
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
          await sleep(SETTLE_MS);
          const deadline = Date.now() + EXTRA_HOLD_MS;
          for (;;) {
            const picked = pickOvertakes(
              eventsByStream(await ctx.tools.readTopic(TOPIC)),
              await writtenVersions(ctx),
              (f.params as { streams?: number }).streams ?? 2,
            );
            for (const o of picked) await injectAhead(ctx, id, o);
            if (picked.length > 0) return;
            if (Date.now() > deadline)
              throw new Error(`no stream was two versions past the topic within ${EXTRA_HOLD_MS} ms of holding the relay`);
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
