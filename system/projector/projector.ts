// The consumer loop, per partition, in chunks of consecutive records (up to batchMaxRecords of
// one fetch): the chunk's records go to the read model (applyRecords.ts), then ONE Kafka offset
// commit covers the chunk (before the records are applied in at-most-once). Records that can
// never apply go to the dead-letter sink; a progress monitor watches the loop from outside.
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { crashPoint } from '../shared/crashPoints.ts';
import { decodeHeaders } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { createApplier, type ApplyChunk } from './applyRecords.ts';
import { createDeadLetterSink, DeadLetterFailedError } from './deadLetterSink.ts';
import type { ConsumeMode } from './decide.ts';
import type { SourceRecord } from './dlqRecord.ts';
import { observeChunk } from './instrumentation.ts';
import type { ProjectorMetrics } from './metrics.ts';
import { describeError } from './poison.ts';
import { startProgressMonitor, type ProgressMonitor } from './progressMonitor.ts';
import type { RecordPosition } from './readModelStore.ts';

export interface ProjectorOptions {
  kafka: Kafka;
  pool: Pool;
  mode: ConsumeMode;
  groupId: string;
  topic: string;
  dlqTopic: string;
  maxAttempts: number;
  retryBudgetMs?: number | undefined;
  backoffBaseMs: number;
  backoffMaxMs: number;
  logger: Logger;
  metrics: ProjectorMetrics;
  /** Partitions handled in parallel (records of one partition are always sequential). */
  concurrency?: number;
  fromBeginning?: boolean;
  /** How long a killed member keeps its partitions before the group reassigns them. */
  sessionTimeoutMs?: number;
  /**
   * Longest a fetch waits for records on an idle partition (kafkajs' 5 s default). kafkajs
   * heartbeats and stops between fetches, so this also bounds how late a member notices a
   * rebalance and how long a graceful stop waits.
   */
  fetchMaxWaitMs?: number;
  /** Most records per chunk: per DB transaction of the fast path and per offset commit. */
  batchMaxRecords?: number;
  /** Behind and not advancing for this long: reported as stalled (default 30 s). */
  stallAfterMs?: number;
  /** How often the progress monitor looks (default 1 s). */
  progressIntervalMs?: number;
  /**
   * The consumer stopped and will not restart by itself (kafkajs gave up on it, or a record could
   * not even be dead-lettered). The process is expected to exit non-zero here (startProjector.ts),
   * so that it is restarted rather than sitting there consuming nothing.
   */
  onFatal?: (err: unknown) => void;
}

export interface Projector {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the consumer joined its group. */
  isReady(): boolean;
  /** Why the projector is not keeping up (a stalled partition), or undefined. */
  stalled(): string | undefined;
  /** Why the consumer stopped for good (it will not restart), or undefined. */
  failed(): string | undefined;
}

/** The group's consumer; `failed` stops kafkajs restarting it after a fatal failure. */
function groupConsumer(o: ProjectorOptions, failed: () => boolean): Consumer {
  const sessionTimeout = o.sessionTimeoutMs ?? 30_000;
  return o.kafka.consumer({
    groupId: o.groupId,
    sessionTimeout,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
    maxWaitTimeInMs: o.fetchMaxWaitMs ?? 1_000,
    // kafkajs' default (5 retries of a failed batch, then a restart), except after a fatal failure.
    retry: { retries: 5, restartOnFailure: async () => !failed() },
  });
}

export function createProjector(o: ProjectorOptions): Projector {
  let failure: string | undefined;
  const consumer = groupConsumer(o, () => failure !== undefined);
  const stopping = new AbortController();
  const sink = createDeadLetterSink({ ...o, signal: stopping.signal });
  const applyChunk = createApplier({ ...o, sink, signal: stopping.signal });
  const positions = new Map<number, bigint>(); // next offset per partition, as handled here
  let monitor: ProgressMonitor | undefined;
  let joined = false;
  const batchMax = Math.max(1, o.batchMaxRecords ?? 500);
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joined = true;
    // A rebalance and where partitions went are then visible from outside the group.
    o.metrics.groupJoins.inc();
    o.metrics.assignedPartitions.set(Object.values(e.payload.memberAssignment).reduce((n, ps) => n + ps.length, 0));
  });
  const fail = (reason: string, err: unknown) => {
    if (failure !== undefined || stopping.signal.aborted) return;
    failure = reason;
    o.logger.fatal({ err: describeError(err) }, reason);
    o.onFatal?.(err);
  };
  consumer.on(consumer.events.CRASH, (e) => {
    joined = false;
    o.logger.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    // kafkajs restarts a consumer only after an error it deems retriable; after any other it stays
    // stopped, consuming nothing while the process looks alive. That is never left as it is.
    if (!e.payload.restart) fail(`the consumer crashed and will not restart: ${describeError(e.payload.error)}`, e.payload.error);
  });

  const chunks = chunkHandler(o, consumer, applyChunk, positions);

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning ?? true });
      monitor = startProgressMonitor({
        kafka: o.kafka,
        pool: o.pool,
        groupId: o.groupId,
        topic: o.topic,
        metrics: o.metrics,
        logger: o.logger,
        stallAfterMs: o.stallAfterMs ?? 30_000,
        intervalMs: o.progressIntervalMs ?? 1_000,
        positions: () => positions,
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.concurrency ?? 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          try {
            for (let i = 0; i < batch.messages.length;) {
              if (!isRunning() || isStale() || stopping.signal.aborted) break;
              const chunk = batch.messages.slice(i, i + batchMax);
              await chunks.onChunk(batch.topic, batch.partition, chunk, batch.highWatermark, heartbeat);
              resolveOffset(chunk[chunk.length - 1]!.offset);
              i += chunk.length;
              await heartbeat().catch(() => undefined);
            }
          } catch (err) {
            // kafkajs retries a failed batch and restarts the consumer, forever: right for a broker
            // error, a spin for a record that cannot even be dead-lettered or an error nobody
            // planned for. Those end the consumer for good (and the process, startProjector.ts).
            if (isFatal(err)) fail(`the consumer stopped for good: ${describeError(err)}`, err);
            throw err;
          } finally {
            await chunks.settled(batch.partition);
          }
        },
      });
    },
    async stop() {
      stopping.abort();
      await monitor?.stop();
      await consumer.disconnect().catch((err: unknown) => o.logger.warn({ err }, 'consumer disconnect failed'));
      await sink.close().catch((err: unknown) => o.logger.warn({ err }, 'producer disconnect failed'));
    },
    isReady: () => joined && failure === undefined,
    stalled: () => monitor?.stalled(),
    failed: () => failure,
  };
}

/** A batch failure kafkajs must not retry: not a Kafka error (those it knows how to retry). */
function isFatal(err: unknown): boolean {
  if (err instanceof DeadLetterFailedError) return true;
  const name = (err as { name?: unknown } | null)?.name;
  return !(typeof name === 'string' && name.startsWith('KafkaJS'));
}

/**
 * One chunk of a partition: applied, then its offsets committed (committed first in
 * at-most-once), with the crash point in the window between the two. After the apply the commit
 * is not waited for: the partition's next chunk is applied while it travels. A partition's commits
 * run one after another, in offset order, and `settled` (awaited before eachBatch returns, so
 * before the next fetch) waits for them.
 */
function chunkHandler(o: ProjectorOptions, consumer: Consumer, applyChunk: ApplyChunk, positions: Map<number, bigint>) {
  const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();
  const commit = (topic: string, partition: number, offset: string) =>
    consumer.commitOffsets([{ topic, partition, offset: nextOffset(offset) }]);
  const commits = new Map<number, Promise<void>>(); // per partition: the last commit issued after an apply

  async function commitApplied(topic: string, partition: number, lastOffset: string): Promise<void> {
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

  async function onChunk(topic: string, partition: number, msgs: KafkaMessage[], highWatermark: string, heartbeat: () => Promise<void>) {
    const srcs: SourceRecord[] = msgs.map((m) => ({
      topic,
      partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key,
      value: m.value,
      headers: decodeHeaders(m.headers),
    }));
    const positionsOf: RecordPosition[] = msgs.map((m) => ({ groupId: o.groupId, topic, partition, offset: m.offset, highWatermark }));
    const lastOffset = msgs[msgs.length - 1]!.offset;
    const started = process.hrtime.bigint();
    // at-most-once: the chunk's offsets are committed first, so a crash before the apply loses them.
    if (o.mode === 'at-most-once') await commit(topic, partition, lastOffset);
    await applyChunk(srcs, positionsOf, heartbeat);
    positions.set(partition, BigInt(lastOffset) + 1n);
    crashPoint('projector.after-db-commit-before-offset-commit', { partition, offset: lastOffset, records: msgs.length, mode: o.mode });
    if (o.mode !== 'at-most-once') {
      const previous = commits.get(partition) ?? Promise.resolve();
      commits.set(
        partition,
        previous.then(() => commitApplied(topic, partition, lastOffset)),
      );
    }
    observeChunk(o.metrics, started, msgs.length);
  }

  return {
    onChunk,
    /** Resolves once every commit issued for `partition` has been answered (or failed). */
    settled: (partition: number): Promise<void> => commits.get(partition) ?? Promise.resolve(),
  };
}
