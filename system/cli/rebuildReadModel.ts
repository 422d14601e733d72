// Rebuilds the read model from the write side's event store: empties USER_DATA, applied_events
// (which holds the inbox) and parked_events, then applies every event of `commands`.events in append order
// (seq), one `queries` transaction per page. The Kafka checkpoints are kept: events the
// projector receives later are deduplicated by the rebuilt inbox. Open dead letters whose event
// the rebuild applied are marked replayed. Run it with the projector stopped.
import type { RowDataPacket } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import { withTransaction } from '../shared/db.ts';
import type { EventEnvelope, EventType } from '../shared/events.ts';
import { projectEvent } from '../projector/projectEvent.ts';

export interface RebuildResult {
  events: number;
  applied: number;
  skipped: number; // duplicates or parked (a gap in the store would be a write-side bug)
  deadLettersResolved: number;
}

export function eventRowToEnvelope(r: RowDataPacket): EventEnvelope {
  const env: EventEnvelope = {
    eventId: String(r.event_id),
    streamId: String(r.stream_id),
    streamVersion: Number(r.stream_version),
    type: String(r.type) as EventType,
    schemaVersion: Number(r.schema_version),
    occurredAt: (r.occurred_at as Date).toISOString(),
    correlationId: String(r.correlation_id),
    causationId: String(r.causation_id),
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  };
  if (r.traceparent) env.traceparent = String(r.traceparent);
  return env;
}

export async function rebuildReadModel(o: {
  commands: Pool;
  queries: Pool;
  pageSize?: number;
  onProgress?: (n: number) => void;
}): Promise<RebuildResult> {
  const pageSize = o.pageSize ?? 500;
  for (const table of ['USER_DATA', 'applied_events', 'parked_events']) {
    await o.queries.query(`TRUNCATE TABLE ${table}`);
  }
  const result: RebuildResult = { events: 0, applied: 0, skipped: 0, deadLettersResolved: 0 };
  let after = 0;
  for (;;) {
    const [rows] = await o.commands.query<RowDataPacket[]>(
      `SELECT seq, event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id,
              causation_id, traceparent, payload
         FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
      [after, pageSize],
    );
    if (rows.length === 0) break;
    await withTransaction(o.queries, async (conn) => {
      for (const r of rows) {
        const out = await projectEvent(conn, eventRowToEnvelope(r), 'effectively-once', null, { source: 'rebuild', ignoreBlock: true });
        if (out.decision === 'apply') result.applied += 1 + out.released;
        else result.skipped++;
      }
    });
    result.events += rows.length;
    after = Number(rows[rows.length - 1]!.seq);
    o.onProgress?.(result.events);
  }
  const [res] = await o.queries.query(
    `UPDATE dead_letters SET status = 'replayed', resolved_at = CURRENT_TIMESTAMP(6)
      WHERE status = 'open' AND event_id IN (SELECT inbox_event_id FROM applied_events WHERE inbox_event_id IS NOT NULL)`,
  );
  result.deadLettersResolved = (res as { affectedRows: number }).affectedRows;
  return result;
}
