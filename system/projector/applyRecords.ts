// A chunk's records into the read model, in order. Ordinary records go through projectRun: many
// in ONE `queries` transaction. Any other record (unparseable, park, drain, conflict, dead
// letter), and any record after a run failed, through the one-record path: ONE transaction
// (apply or park + checkpoint), retried with backoff + jitter for transient failures up to the
// budget; a record that can never apply, or whose budget ran out, goes to the dead-letter sink.
import type { Pool } from 'mysql2/promise';
import { retry } from '../shared/backoff.ts';
import { crashPoint } from '../shared/crashPoints.ts';
import { withTransaction } from '../shared/db.ts';
import { HEADERS } from '../shared/events.ts';
import { withCorrelation, type Logger } from '../shared/logger.ts';
import { SpanKind, withSpanFromTraceparent } from '../shared/tracing.ts';
import type { DeadLetterSink } from './deadLetterSink.ts';
import type { ConsumeMode } from './decide.ts';
import { headerText, type SourceRecord } from './dlqRecord.ts';
import { countDecision, eventAttributes, runSpans } from './instrumentation.ts';
import type { ProjectorMetrics } from './metrics.ts';
import { parseRecord, type ParseResult } from './parseRecord.ts';
import { describeError } from './poison.ts';
import { projectEvent } from './projectEvent.ts';
import { projectRun, type RunItem } from './projectRun.ts';
import { saveCheckpoint, type RecordPosition } from './readModelStore.ts';
import { isTransient } from './transient.ts';

export interface ApplyOptions {
  pool: Pool;
  mode: ConsumeMode;
  maxAttempts: number;
  retryBudgetMs?: number | undefined;
  backoffBaseMs: number;
  backoffMaxMs: number;
  logger: Logger;
  metrics: ProjectorMetrics;
  sink: DeadLetterSink;
  signal: AbortSignal;
}

export type ApplyChunk = (srcs: SourceRecord[], positions: RecordPosition[], heartbeat: () => Promise<void>) => Promise<void>;

/** The one-record path: retried while transient, then dead-lettered. */
async function applyOne(
  o: ApplyOptions,
  src: SourceRecord,
  pos: RecordPosition,
  parsed: ParseResult,
  heartbeat: () => Promise<void>,
): Promise<void> {
  if (!parsed.ok) return o.sink.deadLetter(src, pos, parsed.error, 1, null, parsed.hints);
  const event = parsed.event;
  const log = withCorrelation(o.logger, event.correlationId, { eventId: event.eventId, partition: pos.partition, offset: pos.offset });
  let attempts = 0;
  try {
    await withSpanFromTraceparent(
      'projector apply',
      headerText(src.headers, HEADERS.traceparent) ?? event.traceparent,
      async (span) => {
        span.setAttributes(eventAttributes(event));
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
            isRetriable: (e) => isTransient(e) && !o.signal.aborted,
            signal: o.signal,
            onRetry: ({ attempt, delayMs, error }) => {
              o.metrics.retries.inc();
              log.warn({ attempt, delayMs, err: describeError(error) }, 'apply failed; retrying');
              void heartbeat().catch(() => undefined);
            },
          },
        );
        span.setAttribute('projector.decision', outcome.decision);
        countDecision(o.metrics, o.mode, outcome.decision, outcome.released);
        log.debug({ decision: outcome.decision, released: outcome.released }, 'record handled');
      },
      { kind: SpanKind.CONSUMER },
    );
  } catch (err) {
    if (o.signal.aborted) throw err; // shutting down: not applied, not committed
    if ((err as { fqcn?: string }).fqcn === 'faultline.projector.ConflictingEventError') o.metrics.conflicts.inc();
    await o.sink.deadLetter(src, pos, err, attempts, event);
  }
}

export function createApplier(o: ApplyOptions): ApplyChunk {
  /**
   * The run path for items[0..]: how many it handled in one transaction (0: the first item needs
   * the one-record path, or the transaction failed; that path then retries or dead-letters it
   * alone, so one bad record never takes its neighbours along).
   */
  async function applyRun(items: RunItem[], traceparents: Array<string | undefined>): Promise<number> {
    const startTime = Date.now();
    let decisions;
    try {
      decisions = await withTransaction(o.pool, async (conn) => {
        const d = await projectRun(conn, items, o.mode);
        // Written, not committed: a crash here loses the run's writes, never half of them.
        if (d.length > 0)
          crashPoint('projector.mid-run', { records: d.length, partition: items[0]!.pos.partition, offset: items[0]!.pos.offset });
        return d;
      });
    } catch (err) {
      o.logger.debug({ err: describeError(err), records: items.length }, 'batch apply failed; one record at a time');
      return 0;
    }
    for (const d of decisions) countDecision(o.metrics, o.mode, d);
    runSpans(
      items.map((i) => i.event),
      decisions,
      traceparents,
      startTime,
    );
    return decisions.length;
  }

  return async function applyChunk(srcs, positions, heartbeat) {
    const parsed = srcs.map((r) => parseRecord(r.key, r.value));
    for (let i = 0; i < srcs.length;) {
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
      await applyOne(o, srcs[i]!, positions[i]!, parsed[i]!, heartbeat);
      i++;
    }
  };
}
