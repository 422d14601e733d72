// The consumer loop, per partition, in chunks of consecutive records (up to batchMaxRecords of
// one fetch): the chunk's records go to the read model, then ONE Kafka offset commit covers the
// chunk (before the records are applied in at-most-once). Ordinary records go through
// projectRun: many in ONE `queries` transaction; any other record (unparseable, park, drain,
// dead letter), and any record after the run failed, through the one-record path: ONE
// transaction (apply or park + checkpoint). Transient failures retry with backoff + jitter up to
// the budget; a record that can never apply, or whose budget ran out, goes to the DLQ topic and
// into `dead_letters` (which blocks its stream), and the partition moves on.
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { retry, RetriesExhaustedError } from '../shared/backoff.ts';
import { withTransaction } from '../shared/db.ts';
import { HEADERS, type EventEnvelope } from '../shared/events.ts';
import { decodeHeaders, headersToBase64, resettableProducer } from '../shared/kafka.ts';
import { withCorrelation, type Logger } from '../shared/logger.ts';
import { contextFromTraceparent, getTracer, SpanKind, withSpanFromTraceparent } from '../shared/tracing.ts';
import type { ConsumeMode } from './decide.ts';
import { nextChunkSize } from './chunking.ts';
import { buildDeadLetter, headerText, type SourceRecord } from './dlqRecord.ts';
import type { ProjectorMetrics } from './metrics.ts';
import { parseRecord, type ParseResult, type PoisonHints } from './parseRecord.ts';
import { describeError, fqcnOf } from './poison.ts';
import { projectEvent } from './projectEvent.ts';
import { projectRun, type RunDecision, type RunItem } from './projectRun.ts';
import { insertDeadLetter, saveCheckpoint, type RecordPosition } from './readModelStore.ts';
import { isTransient } from './transient.ts';

export interface ProjectorOptions {
  kafka: Kafka;
  pool: Pool;
  mode: ConsumeMode;
  groupId: string;
  topic: string;
  dlqTopic: string;
  maxAttempts: number;
  retryBudgetMs?: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  logger: Logger;
  metrics: ProjectorMetrics;
  /** Partitions handled in parallel (records of one partition are always sequential). */
  concurrency?: number;
  fromBeginning?: boolean;
  /** How long a killed member keeps its partitions before the group reassigns them. */
  sessionTimeoutMs?: number;
  /** Most records per chunk: per DB transaction of the fast path and per offset commit. */
  batchMaxRecords?: number;
  /**
   * Fault-injection point, called per chunk with the running count of its last record, in the
   * window a crash matters: after the chunk's DB transactions and before its offset commit (after
   * the commit and before the transactions in at-most-once). main.ts wires
   * PROJECTOR_CRASH_AFTER_RECORDS to a SIGKILL here, and to `isolateRecord`.
   */
  crashPoint?: (recordNo: number) => void | Promise<void>;
  /**
   * This record number gets a chunk of its own (records before it end a chunk), so a crash point
   * there has exactly that one record in its window, everything before it committed.
   */
  isolateRecord?: number;
}

export interface Projector {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the consumer joined its group. */
  isReady(): boolean;
}

export function createProjector(o: ProjectorOptions): Projector {
  const sessionTimeout = o.sessionTimeoutMs ?? 30_000;
  const consumer: Consumer = o.kafka.consumer({
    groupId: o.groupId,
    sessionTimeout,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
  });
  const producer = resettableProducer(o.kafka);
  const stopping = new AbortController();
  let joined = false;
  let handled = 0; // records taken into chunks so far, all partitions
  const batchMax = o.batchMaxRecords ?? 500;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  consumer.on(consumer.events.CRASH, (e) => {
    joined = false;
    o.logger.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
  });

  const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();
  const commit = (topic: string, partition: number, offset: string) =>
    consumer.commitOffsets([{ topic, partition, offset: nextOffset(offset) }]);

  /** Retries until it works or the process stops: used where giving up would lose a record. */
  const persist = <T>(what: string, fn: () => Promise<T>) =>
    retry(fn, {
      maxAttempts: Number.MAX_SAFE_INTEGER,
      baseMs: o.backoffBaseMs,
      maxMs: o.backoffMaxMs,
      isRetriable: () => !stopping.signal.aborted,
      signal: stopping.signal,
      onRetry: ({ attempt, error }) => o.logger.warn({ what, attempt, err: describeError(error) }, 'retrying'),
    });

  async function deadLetter(
    src: SourceRecord,
    pos: RecordPosition,
    err: unknown,
    attempts: number,
    event: EventEnvelope | null,
    hints: PoisonHints = {},
  ): Promise<void> {
    const cause = err instanceof RetriesExhaustedError ? err.lastError : err;
    const fqcn = err instanceof RetriesExhaustedError ? 'faultline.projector.RetriesExhaustedError' : fqcnOf(err);
    const message = err instanceof RetriesExhaustedError ? `gave up after ${attempts} attempts: ${describeError(cause)}` : describeError(err);
    const correlationId = event?.correlationId ?? hints.correlationId ?? headerText(src.headers, HEADERS.correlationId);
    const dl = buildDeadLetter(src, { fqcn, message, attempts, correlationId });
    await persist('dlq publish', () =>
      producer.send({ topic: o.dlqTopic, acks: -1, messages: [{ key: dl.key, value: dl.value, headers: dl.headers }] }),
    );
    const streamId = src.key?.toString('utf8').slice(0, 255) ?? event?.streamId ?? null;
    await persist('dead letter record', () =>
      withTransaction(o.pool, async (conn) => {
        await insertDeadLetter(conn, {
          topic: src.topic,
          partition: src.partition,
          offset: src.offset,
          streamId,
          eventId: event?.eventId ?? hints.eventId ?? headerText(src.headers, HEADERS.eventId)?.slice(0, 64) ?? null,
          streamVersion: event?.streamVersion ?? hints.streamVersion ?? null,
          key: src.key,
          value: src.value,
          headersBase64: headersToBase64(src.headers),
          fqcn,
          message,
          attempts,
          correlationId,
        });
        await saveCheckpoint(conn, pos);
      }),
    );
    o.metrics.dlq.inc({ exception: fqcn.replace(/^.*\./, '') });
    o.logger.warn({ topic: src.topic, partition: src.partition, offset: src.offset, streamId, fqcn, attempts, reason: message, correlationId }, 'record dead-lettered');
  }

  async function handle(src: SourceRecord, pos: RecordPosition, parsed: ParseResult, heartbeat: () => Promise<void>): Promise<void> {
    if (!parsed.ok) return deadLetter(src, pos, parsed.error, 1, null, parsed.hints);
    const event = parsed.event;
    const log = withCorrelation(o.logger, event.correlationId, { eventId: event.eventId, partition: pos.partition, offset: pos.offset });
    const traceparent = headerText(src.headers, HEADERS.traceparent) ?? event.traceparent;
    let attempts = 0;
    try {
      await withSpanFromTraceparent(
        'projector apply',
        traceparent,
        async (span) => {
          span.setAttributes({ 'event.id': event.eventId, 'event.type': event.type, 'stream.id': event.streamId, 'stream.version': event.streamVersion });
          const outcome = await retry(
            (attempt) => {
              attempts = attempt + 1;
              return withTransaction(o.pool, async (conn) => {
                const r = await projectEvent(conn, event, o.mode, pos);
                await saveCheckpoint(conn, pos);
                return r;
              });
            },
            {
              maxAttempts: o.retryBudgetMs === undefined ? o.maxAttempts : Number.MAX_SAFE_INTEGER,
              ...(o.retryBudgetMs === undefined ? {} : { budgetMs: o.retryBudgetMs }),
              baseMs: o.backoffBaseMs,
              maxMs: o.backoffMaxMs,
              isRetriable: (e) => isTransient(e) && !stopping.signal.aborted,
              signal: stopping.signal,
              onRetry: ({ attempt, delayMs, error }) => {
                o.metrics.retries.inc();
                log.warn({ attempt, delayMs, err: describeError(error) }, 'apply failed; retrying');
                void heartbeat().catch(() => undefined);
              },
            },
          );
          span.setAttribute('projector.decision', outcome.decision);
          if (outcome.decision === 'apply') o.metrics.applied.inc({ mode: o.mode, source: 'kafka' });
          else if (outcome.decision === 'reapply') o.metrics.reapplied.inc();
          else if (outcome.decision === 'duplicate') o.metrics.duplicates.inc();
          else o.metrics.parked.inc({ reason: outcome.decision === 'park-gap' ? 'gap' : 'blocked' });
          if (outcome.released > 0) o.metrics.released.inc(outcome.released);
          log.debug({ decision: outcome.decision, released: outcome.released }, 'record handled');
        },
        { kind: SpanKind.CONSUMER },
      );
    } catch (err) {
      if (stopping.signal.aborted) throw err; // shutting down: not applied, not committed
      await deadLetter(src, pos, err, attempts, event);
    }
  }

  const countDecision = (d: RunDecision) => {
    if (d === 'apply') o.metrics.applied.inc({ mode: o.mode, source: 'kafka' });
    else if (d === 'reapply') o.metrics.reapplied.inc();
    else o.metrics.duplicates.inc();
  };

  /**
   * The fast path for items[0..]: how many it handled in one transaction (0: the first item needs
   * the one-record path, or the transaction failed; that path then retries or dead-letters it
   * alone, so one bad record never takes its neighbours along).
   */
  async function applyRun(items: RunItem[], traceparents: Array<string | undefined>): Promise<number> {
    const startTime = Date.now();
    let decisions: RunDecision[];
    try {
      decisions = await withTransaction(o.pool, (conn) => projectRun(conn, items, o.mode));
    } catch (err) {
      o.logger.debug({ err: describeError(err), records: items.length }, 'batch apply failed; one record at a time');
      return 0;
    }
    const tracer = getTracer();
    decisions.forEach((d, i) => {
      countDecision(d);
      const e = items[i]!.event;
      // One span per record, continuing its trace, as on the one-record path.
      tracer
        .startSpan('projector apply', { kind: SpanKind.CONSUMER, startTime, attributes: {
          'event.id': e.eventId, 'event.type': e.type, 'stream.id': e.streamId, 'stream.version': e.streamVersion,
          'projector.decision': d, 'projector.batch': decisions.length,
        } }, contextFromTraceparent(traceparents[i]))
        .end();
    });
    return decisions.length;
  }

  /** The chunk's records into the read model, in order. */
  async function applyChunk(srcs: SourceRecord[], positions: RecordPosition[], heartbeat: () => Promise<void>): Promise<void> {
    const parsed = srcs.map((r) => parseRecord(r.key, r.value));
    for (let i = 0; i < srcs.length; ) {
      const items: RunItem[] = [];
      const traceparents: Array<string | undefined> = [];
      for (let j = i; j < srcs.length; j++) {
        const p = parsed[j]!;
        if (!p.ok) break;
        items.push({ event: p.event, pos: positions[j]! });
        traceparents.push(headerText(srcs[j]!.headers, HEADERS.traceparent) ?? p.event.traceparent);
      }
      const n = items.length > 0 ? await applyRun(items, traceparents) : 0;
      if (n > 0) {
        i += n;
        continue;
      }
      await handle(srcs[i]!, positions[i]!, parsed[i]!, heartbeat);
      i++;
    }
  }

  async function onChunk(topic: string, partition: number, msgs: KafkaMessage[], lastNo: number, highWatermark: string, heartbeat: () => Promise<void>) {
    const srcs: SourceRecord[] = msgs.map((m) => ({ topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: decodeHeaders(m.headers) }));
    const positions: RecordPosition[] = msgs.map((m) => ({ groupId: o.groupId, topic, partition, offset: m.offset, highWatermark }));
    const lastOffset = msgs[msgs.length - 1]!.offset;
    const started = process.hrtime.bigint();
    // at-most-once: the chunk's offsets are committed first, so a crash before the apply loses them.
    if (o.mode === 'at-most-once') {
      await commit(topic, partition, lastOffset);
      await o.crashPoint?.(lastNo);
    }
    await applyChunk(srcs, positions, heartbeat);
    if (o.mode !== 'at-most-once') {
      await o.crashPoint?.(lastNo);
      try {
        // After the DB commits: a crash before this redelivers the chunk, which the inbox skips
        // (effectively-once) or applies again (at-least-once's documented duplicates).
        await commit(topic, partition, lastOffset);
      } catch (err) {
        // The DB already holds the effect; the next successful commit covers these offsets, and a
        // redelivery meanwhile is what the inbox (or the mode's documented duplicate) is for.
        o.metrics.offsetCommitErrors.inc();
        o.logger.warn({ partition, offset: lastOffset, err: describeError(err) }, 'offset commit failed');
      }
    }
    o.metrics.lag.set({ partition: String(partition) }, Math.max(0, Number(BigInt(highWatermark) - BigInt(lastOffset) - 1n)));
    // Per record, its share of the chunk's time (the histogram's mean stays "time per record").
    const perRecord = Number(process.hrtime.bigint() - started) / 1e9 / msgs.length;
    for (let i = 0; i < msgs.length; i++) o.metrics.applySeconds.observe(perRecord);
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.concurrency ?? 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          for (let i = 0; i < batch.messages.length; ) {
            if (!isRunning() || isStale() || stopping.signal.aborted) break;
            const n = nextChunkSize(batch.messages.length - i, batchMax, handled, o.isolateRecord);
            const lastNo = (handled += n); // before any await: parallel lanes never share a number
            const chunk = batch.messages.slice(i, i + n);
            await onChunk(batch.topic, batch.partition, chunk, lastNo, batch.highWatermark, heartbeat);
            resolveOffset(chunk[n - 1]!.offset);
            i += n;
            await heartbeat().catch(() => undefined);
          }
        },
      });
    },
    async stop() {
      stopping.abort();
      await consumer.disconnect().catch((err: unknown) => o.logger.warn({ err }, 'consumer disconnect failed'));
      await producer.disconnect().catch((err: unknown) => o.logger.warn({ err }, 'producer disconnect failed'));
    },
    isReady: () => joined,
  };
}
