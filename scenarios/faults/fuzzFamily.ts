// Kafka-record fuzzing: `count` records drawn from fast-check arbitraries (recordArbitraries.ts)
// by `seed`, produced on the topic by hand (null header values, repeated names and any bytes reach
// the wire as drawn), each recorded in the history with where it landed and its exact bytes. A
// record keyed by a live stream's id holds that stream back once dead-lettered (the sequenced
// DLQ); the fault then resolves it as an operator would (`npm run dlq -- discard`), so only the
// record's own handling is judged. Copies of applied events with bad headers are recorded as
// duplicates, the way the duplicate family records its re-sends.
import fc from 'fast-check';
import { TOPIC } from '../../system/shared/events.ts';
import { envelopeToMessage } from '../../system/shared/kafka.ts';
import type { InjectedRecord } from '../history/types.ts';
import { envelopeOf, type EventRow } from './eventStoreRecord.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';
import { realize, recordSpecArb, type RealizeContext, type RealizedRecord, type RecordSpec } from './recordArbitraries.ts';
import { sleep } from './wait.ts';

export interface FuzzParams {
  'fuzz-records': { count: number; seed: number; only?: string };
}

const MAX_SEED = 2 ** 31 - 1;
/** How long a dead letter on a live stream is waited for before the fault gives up resolving it. */
const DEAD_LETTER_WAIT_MS = 30_000;
/** Live streams and applied events a drawn pick chooses among. */
const CANDIDATES = 100;

/** The `count` record specs a seed draws: the same seed, the same list, so an index names one record. */
export function drawSpecs(seed: number, count: number): RecordSpec[] {
  return fc.sample(fc.array(recordSpecArb, { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0]!;
}

/** `only`: comma-separated indices into the drawn list (a shrunk run); absent: all of them. */
export function parseOnly(only: string | undefined, count: number): number[] {
  if (only === undefined) return [...Array(count).keys()];
  return only
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((i) => Number.isInteger(i) && i >= 0 && i < count);
}

const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));
export const injectedRecordOf = (r: RealizedRecord): InjectedRecord => ({
  key: b64(r.key),
  value: b64(r.value),
  headers: r.headers.map(([n, v]) => [n, b64(v)]),
});

async function realizeContext(ctx: FaultContext): Promise<RealizeContext> {
  const partitions = await ctx.tools.partitions(TOPIC);
  const live = await ctx.tools.query<{ s: string; p: number }>(
    'queries',
    `SELECT u.ID_USER_DATA AS s, MIN(a.kafka_partition) AS p FROM USER_DATA u JOIN applied_events a ON a.stream_id = u.ID_USER_DATA
      WHERE u.DELETED = 0 AND a.kafka_partition >= 0 GROUP BY u.ID_USER_DATA ORDER BY u.ID_USER_DATA LIMIT ${CANDIDATES}`,
  );
  const applied = await ctx.tools.query<{ e: string; p: number }>(
    'queries',
    `SELECT event_id AS e, MIN(kafka_partition) AS p FROM applied_events WHERE kafka_partition >= 0 GROUP BY event_id ORDER BY event_id LIMIT ${CANDIDATES}`,
  );
  const rows =
    applied.length === 0
      ? []
      : await ctx.tools.query<EventRow>(
          'commands',
          `SELECT event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload
             FROM events WHERE event_id IN (?) ORDER BY event_id`,
          [applied.map((a) => a.e)],
        );
  const partitionOf = new Map(applied.map((a) => [a.e, Number(a.p)]));
  return {
    partitions,
    liveStreams: live.map((l) => ({ streamId: l.s, partition: Number(l.p) })),
    applied: rows.map((r) => {
      const e = envelopeOf(r);
      const m = envelopeToMessage(e);
      return {
        key: Buffer.from(m.key, 'utf8'),
        value: Buffer.from(m.value, 'utf8'),
        partition: partitionOf.get(e.eventId)!,
        eventId: e.eventId,
        streamId: e.streamId,
        streamVersion: e.streamVersion,
      };
    }),
  };
}

/**
 * Waits for the dead letters of the records at `held` and discards them in one `npm run dlq` call,
 * releasing the live streams they hold back. Returns how many were discarded.
 */
async function resolveLiveDeadLetters(ctx: FaultContext, held: readonly { partition: number; offset: string }[]): Promise<number> {
  const deadline = Date.now() + DEAD_LETTER_WAIT_MS;
  const open = new Map<string, number>();
  let waiting = [...held];
  while (waiting.length > 0) {
    const still: typeof waiting = [];
    for (const at of waiting) {
      const [row] = await ctx.tools.query<{ id: number; status: string }>(
        'queries',
        'SELECT id, status FROM dead_letters WHERE topic = ? AND kafka_partition = ? AND kafka_offset = ?',
        [TOPIC, at.partition, at.offset],
      );
      if (!row) still.push(at);
      else if (row.status === 'open') open.set(`${at.partition}@${at.offset}`, Number(row.id));
    }
    waiting = still;
    if (waiting.length === 0) break;
    // Not dead-lettered in time: left as they are, for the checkers to judge what the projector did.
    if (Date.now() > deadline) {
      ctx.log(
        `fuzz-records: no dead letter within ${DEAD_LETTER_WAIT_MS} ms for ${waiting.map((a) => `${a.partition}@${a.offset}`).join(', ')}`,
      );
      break;
    }
    await sleep(250);
  }
  // In id order: the tool resolves them one after another, as an operator would.
  const ids = [...open.values()].sort((a, b) => a - b);
  if (ids.length > 0) await ctx.tools.dlq(['discard', ...ids.map(String)]);
  return ids.length;
}

const spec: KindSpec = {
  params: { count: COUNT(500, true), seed: { kind: 'int', min: 0, max: MAX_SEED, required: true }, only: { kind: 'string' } },
  timing: 'instant',
  targets: { accepts: (t) => t === TOPIC, choices: [TOPIC] },
  arbitrary: () => fc.record({ count: fc.integer({ min: 1, max: 4 }), seed: fc.nat({ max: MAX_SEED }) }),
};

export const fuzzFamily: FaultFamily = {
  name: 'record fuzzing',
  kinds: { 'fuzz-records': spec } satisfies Record<keyof FuzzParams, KindSpec>,
  create(ctx) {
    return {
      async start(f, faultId) {
        const p = f.params as FuzzParams['fuzz-records'];
        const started = Date.now();
        const specs = drawSpecs(p.seed, p.count);
        const rctx = await realizeContext(ctx);
        ctx.log(
          `fuzz-records: seed ${p.seed}, ${p.count} drawn; ${rctx.liveStreams.length} live streams and ${rctx.applied.length} applied events to pick from (${Date.now() - started} ms)`,
        );
        const held: Array<{ partition: number; offset: string }> = [];
        for (const index of parseOnly(p.only, p.count)) {
          const r = realize(specs[index]!, rctx);
          const fuzzId = `${p.seed}/${index}`;
          if (!r) {
            ctx.log(`fuzz-records: ${fuzzId} needs a live stream or an applied event; none yet, skipped`);
            continue;
          }
          const common = {
            faultId,
            topic: TOPIC,
            fuzzId,
            shape: r.shape,
            record: injectedRecordOf(r),
            ...(r.copyOf ? { what: 'duplicate' as const, key: r.copyOf.streamId, ...r.copyOf } : { what: 'fuzz' as const }),
          };
          let at;
          try {
            at = await ctx.tools.rawProduce(TOPIC, r.partition, r);
          } catch (err) {
            const refused = err instanceof Error ? err.message : String(err);
            ctx.log(`fuzz-records: ${fuzzId} refused: ${refused}`);
            ctx.recorder.inject({ ...common, partition: -1, offset: '-1', refused });
            continue;
          }
          ctx.recorder.inject({ ...common, ...at });
          if (r.blocksLiveStream) held.push(at);
        }
        const produced = Date.now();
        const discarded = await resolveLiveDeadLetters(ctx, held);
        ctx.log(
          `fuzz-records: produced in ${produced - started} ms; ${discarded} dead letter(s) on live streams discarded (${Date.now() - produced} ms)`,
        );
      },
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
