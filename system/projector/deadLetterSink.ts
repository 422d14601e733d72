// Where a record that can never apply goes: the dead-letter topic (the record with `kafka_dlt-*`
// headers) and the `dead_letters` table (the full bytes, which block the stream), with the
// checkpoint in the same transaction. A record always gets there: a copy too large for the topic
// is sent cut (dlqRecord.ts) while the table keeps it whole; a send the broker refuses for good is
// not retried (the table row says no copy reached the topic); only a broker that is away is
// waited for, until the process stops.
import type { Kafka } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { retry, RetriesExhaustedError } from '../shared/backoff.ts';
import { withTransaction } from '../shared/db.ts';
import { HEADERS, type EventEnvelope } from '../shared/events.ts';
import { headerText, headersToStored, isRecordTooLarge, isRetriableKafkaError, resettableProducer } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { buildDeadLetter, dlqKafkaHeaders, truncateDeadLetter, type DeadLetter, type SourceRecord } from './dlqRecord.ts';
import { fitKey } from './fitColumn.ts';
import type { ProjectorMetrics } from './metrics.ts';
import type { PoisonHints } from './parseRecord.ts';
import { ConflictingEventError, describeError, fqcnOf } from './poison.ts';
import { insertDeadLetter, saveCheckpoint, type RecordPosition } from './readModelStore.ts';
import { isTransient } from './transient.ts';

export interface DeadLetterSinkOptions {
  kafka: Kafka;
  pool: Pool;
  dlqTopic: string;
  backoffBaseMs: number;
  backoffMaxMs: number;
  logger: Logger;
  metrics: ProjectorMetrics;
  signal: AbortSignal;
}

export interface DeadLetterSink {
  deadLetter(
    src: SourceRecord,
    pos: RecordPosition,
    err: unknown,
    attempts: number,
    event: EventEnvelope | null,
    hints?: PoisonHints,
  ): Promise<void>;
  close(): Promise<void>;
}

/**
 * Not even the dead letter could be stored: the record can neither be applied nor set aside. The
 * projector does not skip it or spin on it: the process exits non-zero (projector.ts), so it is
 * restarted and an operator sees it.
 */
export class DeadLetterFailedError extends Error {
  override readonly name = 'DeadLetterFailedError';
  constructor(
    readonly where: { topic: string; partition: number; offset: string },
    override readonly cause: unknown,
  ) {
    super(`could not dead-letter ${where.topic}/${where.partition}@${where.offset}: ${describeError(cause)}`);
  }
}

/** Longer than one kafkajs request with its retries on a healthy cluster. */
const DLQ_SEND_DEADLINE_MS = 15_000;

type TopicCopy = 'full' | 'truncated' | 'none';

export function createDeadLetterSink(o: DeadLetterSinkOptions): DeadLetterSink {
  // A send kafkajs never settles (a leader lost mid-request) is given up and retried, not waited on forever.
  const producer = resettableProducer(o.kafka, {}, { sendDeadlineMs: DLQ_SEND_DEADLINE_MS });

  /** Retries while `isRetriable` says so and the process runs. */
  const persist = <T>(what: string, fn: () => Promise<T>, isRetriable: (e: unknown) => boolean) =>
    retry(fn, {
      maxAttempts: Number.MAX_SAFE_INTEGER,
      baseMs: o.backoffBaseMs,
      maxMs: o.backoffMaxMs,
      isRetriable: (e) => isRetriable(e) && !o.signal.aborted,
      signal: o.signal,
      onRetry: ({ attempt, error }) => o.logger.warn({ what, attempt, err: describeError(error) }, 'retrying'),
    });

  const send = (dl: DeadLetter) =>
    persist(
      'dlq publish',
      () =>
        producer.send({ topic: o.dlqTopic, acks: -1, messages: [{ key: dl.key, value: dl.value, headers: dlqKafkaHeaders(dl.headers) }] }),
      isRetriableKafkaError,
    );

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
    const message =
      err instanceof RetriesExhaustedError ? `gave up after ${attempts} attempts: ${describeError(cause)}` : describeError(err);
    const correlationId = event?.correlationId ?? hints.correlationId ?? headerText(src.headers, HEADERS.correlationId);
    const where = { topic: src.topic, partition: src.partition, offset: src.offset };
    const topicCopy = await publish(o, send, buildDeadLetter(src, { fqcn, message, attempts, correlationId }), where);
    // A conflicting copy of an applied version does not hold its stream back: what it conflicts
    // with is applied, and later versions do not depend on it.
    const blocksStream = !(err instanceof ConflictingEventError);
    const streamId = fitKey(src.key, 255) ?? event?.streamId ?? null;
    const stored = persist(
      'dead letter record',
      () =>
        withTransaction(o.pool, async (conn) => {
          await insertDeadLetter(conn, {
            ...where,
            streamId,
            eventId: event?.eventId ?? hints.eventId ?? headerText(src.headers, HEADERS.eventId),
            streamVersion: event?.streamVersion ?? hints.streamVersion ?? null,
            key: src.key,
            value: src.value,
            headers: headersToStored(src.headers),
            fqcn,
            message,
            attempts,
            correlationId,
            blocksStream,
            topicCopy,
          });
          await saveCheckpoint(conn, pos);
        }),
      // The database coming back is the only way forward for a transient failure; any other
      // failure would repeat forever, so it ends the process (restarted, it reads the record again).
      isTransient,
    );
    try {
      await stored;
    } catch (e) {
      if (o.signal.aborted) throw e;
      throw new DeadLetterFailedError(where, e);
    }
    o.metrics.dlq.inc({ exception: fqcn.replace(/^.*\./, '') });
    o.logger.warn({ ...where, streamId, fqcn, attempts, reason: message, correlationId, topicCopy, blocksStream }, 'record dead-lettered');
  }

  return { deadLetter, close: () => producer.disconnect() };
}

/** Sends the dead letter, or a cut copy when it is too large; says what reached the topic. */
async function publish(
  o: DeadLetterSinkOptions,
  send: (dl: DeadLetter) => Promise<unknown>,
  dl: DeadLetter,
  log: Record<string, unknown>,
): Promise<TopicCopy> {
  try {
    await send(dl);
    return 'full';
  } catch (err) {
    if (o.signal.aborted) throw err;
    if (!isRecordTooLarge(err)) {
      o.metrics.dlqPublishFailures.inc({ copy: 'full' });
      o.logger.error({ ...log, err: describeError(err) }, 'dead-letter topic refused the record for good; kept in dead_letters only');
      return 'none';
    }
  }
  try {
    await send(truncateDeadLetter(dl));
    o.metrics.dlqTruncated.inc();
    o.logger.warn(log, 'record too large for the dead-letter topic: a truncated copy sent, the full record kept in dead_letters');
    return 'truncated';
  } catch (err) {
    if (o.signal.aborted) throw err;
    o.metrics.dlqPublishFailures.inc({ copy: 'truncated' });
    o.logger.error({ ...log, err: describeError(err) }, 'dead-letter topic refused even the truncated copy; kept in dead_letters only');
    return 'none';
  }
}
