// Sends one batch of outbox rows with the idempotent producer (acks=all), one producer span per
// row under the command's trace when traces are exported (unexported, a span per row costs as
// much CPU as the record itself and nothing reads it: the record carries the command's
// traceparent instead). A failed send becomes a KafkaPublishError; the producer behind it is
// dropped and recreated on the next send (resettableProducer).
import { context, trace, type Span } from '@opentelemetry/api';
import type { ResettableProducer } from '../shared/kafka.ts';
import { contextFromTraceparent, currentTraceparent, getTracer, SpanKind, tracesExported } from '../shared/tracing.ts';
import { toKafkaMessage, type OutboxRow } from './outboxMessage.ts';

export class KafkaPublishError extends Error {
  override readonly name = 'KafkaPublishError';
}

export async function publishRows(
  producer: ResettableProducer,
  o: { topic: string; sendTimeoutMs: number },
  rows: readonly OutboxRow[],
): Promise<void> {
  const spans: Span[] = [];
  const traced = tracesExported();
  const messages = rows.map((row) => {
    if (!traced) return toKafkaMessage(row);
    const span = getTracer().startSpan(
      'relay publish',
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'event.id': row.eventId, 'event.type': row.type, 'stream.id': row.streamId, 'outbox.id': row.id },
      },
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
