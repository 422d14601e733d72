// What the projector reports about each record it handled: counters per decision, and one
// span per record continuing the record's own trace (the run path opens them after the fact,
// with the run's start time, so both paths show the same spans).
import { contextFromTraceparent, getTracer, SpanKind, tracesExported } from '../shared/tracing.ts';
import type { EventEnvelope } from '../shared/events.ts';
import type { ConsumeMode, Decision } from './decide.ts';
import type { ProjectorMetrics } from './metrics.ts';

export function countDecision(metrics: ProjectorMetrics, mode: ConsumeMode, decision: Decision, released = 0): void {
  if (decision === 'apply') metrics.applied.inc({ mode, source: 'kafka' });
  else if (decision === 'reapply') metrics.reapplied.inc();
  else if (decision === 'duplicate') metrics.duplicates.inc();
  else if (decision === 'conflict') metrics.conflicts.inc();
  else metrics.parked.inc({ reason: decision === 'park-gap' ? 'gap' : 'blocked' });
  if (released > 0) metrics.released.inc(released);
}

export const eventAttributes = (e: EventEnvelope) => ({
  'event.id': e.eventId,
  'event.type': e.type,
  'stream.id': e.streamId,
  'stream.version': e.streamVersion,
});

/**
 * One finished span per record of a run applied in one transaction. They end every record's
 * trace (nothing continues it), so with no exporter they are not made at all: on catch-up they
 * cost as much CPU as the record's hash.
 */
export function runSpans(
  events: readonly EventEnvelope[],
  decisions: readonly Decision[],
  traceparents: ReadonlyArray<string | undefined>,
  startTime: number,
): void {
  if (!tracesExported()) return;
  const tracer = getTracer();
  decisions.forEach((d, i) => {
    tracer
      .startSpan(
        'projector apply',
        {
          kind: SpanKind.CONSUMER,
          startTime,
          attributes: { ...eventAttributes(events[i]!), 'projector.decision': d, 'projector.batch': decisions.length },
        },
        contextFromTraceparent(traceparents[i]),
      )
      .end();
  });
}

/** Per record, its share of the chunk's time (the histogram's mean stays "time per record"). */
export function observeChunk(metrics: ProjectorMetrics, startedNs: bigint, records: number): void {
  const perRecord = Number(process.hrtime.bigint() - startedNs) / 1e9 / records;
  for (let i = 0; i < records; i++) metrics.applySeconds.observe(perRecord);
}
