// The relay loop: claim a batch of outbox rows, publish it with the idempotent producer, mark it
// published in the same transaction, adapt the poll delay. Broker failures trip a circuit breaker
// (exponential, jittered cooldowns); a failed batch is rolled back, so its rows are claimed again:
// nothing is lost, and a row whose mark was lost after the ack is re-published (the projector's
// inbox absorbs that duplicate — the outbox is at-least-once by construction).
import { context, trace, type Span } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { backoffDelay } from '../shared/backoff.ts';
import { isRetriableDbError, withTransaction } from '../shared/db.ts';
import { resettableProducer } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { contextFromTraceparent, currentTraceparent, getTracer, SpanKind } from '../shared/tracing.ts';
import { breakerStateValue, CircuitBreaker } from './circuitBreaker.ts';
import type { RelayMetrics } from './metrics.ts';
import { toKafkaMessage, type OutboxRow } from './outboxMessage.ts';
import { claimBatch, countFailedAttempt, markPublished, readBacklog } from './outboxStore.ts';
import { nextPollDelay } from './pollDelay.ts';

export interface RelayOptions {
  kafka: Kafka;
  pool: Pool;
  topic: string;
  batchSize: number;
  pollMinMs: number;
  pollMaxMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  sendTimeoutMs: number;
  backlogRefreshMs?: number;
  logger: Logger;
  metrics: RelayMetrics;
}

export interface Relay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The broker accepted the last batch (or none was tried yet) and the breaker is closed. */
  kafkaHealthy(): boolean;
}

class KafkaPublishError extends Error {
  override readonly name = 'KafkaPublishError';
}

export function createRelay(o: RelayOptions): Relay {
  const breaker = new CircuitBreaker({ threshold: o.breakerThreshold, cooldownMs: o.breakerCooldownMs, maxCooldownMs: o.backoffMaxMs });
  const producer = resettableProducer(o.kafka);
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let backlogTimer: NodeJS.Timeout | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || !running) return resolve();
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  async function publish(rows: OutboxRow[]): Promise<void> {
    const spans: Span[] = [];
    const messages = rows.map((row) => {
      const span = getTracer().startSpan(
        'relay publish',
        { kind: SpanKind.PRODUCER, attributes: { 'event.id': row.eventId, 'event.type': row.type, 'stream.id': row.streamId, 'outbox.id': row.id } },
        contextFromTraceparent(row.traceparent),
      );
      spans.push(span);
      return toKafkaMessage(row, currentTraceparent(trace.setSpan(context.active(), span)));
    });
    try {
      await producer.send({ topic: o.topic, acks: -1, timeout: o.sendTimeoutMs, messages });
    } catch (err) {
      for (const s of spans) s.recordException(err as Error);
      throw new KafkaPublishError(err instanceof Error ? err.message : String(err), { cause: err });
    } finally {
      for (const s of spans) s.end();
    }
  }

  /** One claim → publish → mark transaction. Returns the number of rows published. */
  async function runBatch(): Promise<number> {
    let claimed: number[] = [];
    const started = process.hrtime.bigint();
    try {
      const n = await withTransaction(o.pool, async (conn) => {
        const rows = await claimBatch(conn, o.batchSize);
        if (rows.length === 0) return 0;
        claimed = rows.map((r) => r.id);
        await publish(rows);
        await markPublished(conn, claimed);
        const now = Date.now();
        for (const r of rows) o.metrics.publishLag.observe(Math.max(0, now - r.createdAt.getTime()) / 1000);
        return rows.length;
      });
      if (n > 0) {
        o.metrics.published.inc(n);
        o.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
      }
      return n;
    } catch (err) {
      if (err instanceof KafkaPublishError && claimed.length > 0) {
        await o.pool.getConnection().then(async (c) => {
          try {
            await countFailedAttempt(c, claimed);
          } finally {
            c.release();
          }
        }).catch(() => undefined);
      }
      throw err;
    }
  }

  async function run(): Promise<void> {
    let delay = o.pollMinMs;
    let failures = 0;
    while (running) {
      const now = Date.now();
      o.metrics.breakerState.set(breakerStateValue(breaker.state(now)));
      if (!breaker.canAttempt(now)) {
        await sleep(breaker.waitMs(now));
        continue;
      }
      try {
        const n = await runBatch();
        breaker.success();
        failures = 0;
        o.metrics.polls.inc({ result: n === 0 ? 'empty' : n >= o.batchSize ? 'full' : 'partial' });
        delay = nextPollDelay(delay, n, o.batchSize, { minMs: o.pollMinMs, maxMs: o.pollMaxMs });
        await sleep(delay);
      } catch (err) {
        const kind = err instanceof KafkaPublishError ? 'kafka' : isRetriableDbError(err) ? 'db' : 'other';
        o.metrics.publishErrors.inc({ kind });
        if (kind === 'kafka') breaker.failure(Date.now());
        const wait = backoffDelay(Math.min(failures++, 30), { baseMs: o.backoffBaseMs, maxMs: o.backoffMaxMs });
        o.logger.warn({ kind, err: err instanceof Error ? err.message : String(err), retryInMs: wait, breaker: breaker.state(Date.now()) }, 'relay batch failed');
        await sleep(wait);
      }
    }
  }

  async function refreshBacklog(): Promise<void> {
    try {
      const b = await readBacklog(o.pool);
      o.metrics.backlog.set(b.count);
      o.metrics.oldestAge.set(b.oldestAgeSeconds);
    } catch {
      // DB unreachable: keep the last values; the batch loop reports the failure.
    }
  }

  return {
    async start() {
      running = true;
      await refreshBacklog();
      backlogTimer = setInterval(() => void refreshBacklog(), o.backlogRefreshMs ?? 1_000);
      backlogTimer.unref();
      loop = run().catch((err: unknown) => o.logger.fatal({ err }, 'relay loop died'));
    },
    async stop() {
      running = false;
      if (backlogTimer) clearInterval(backlogTimer);
      wake?.();
      await loop;
      await producer.disconnect();
    },
    kafkaHealthy: () => breaker.state(Date.now()) === 'closed',
  };
}
