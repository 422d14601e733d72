import { TOPIC } from '../../system/shared/events.ts';
import type { InjectionEntry } from '../history/types.ts';
import { DLQ_HEADERS, POISON_ID_HEADER, result, type Anomaly, type CheckInput, type CheckResult, type TopicRecord } from './types.ts';

/** A DLQ record that is the dead letter of the record injected at (partition, offset), or carries its poison id. */
function deadLetterOf(r: TopicRecord, c: InjectionEntry): boolean {
  if (c.poisonId !== undefined && r.headers[POISON_ID_HEADER] === c.poisonId) return true;
  const topic = r.dlt ? r.dlt.originalTopic : r.headers[DLQ_HEADERS.originalTopic];
  const partition = r.dlt ? r.dlt.originalPartition : r.headers[DLQ_HEADERS.originalPartition];
  const offset = r.dlt ? r.dlt.originalOffset : r.headers[DLQ_HEADERS.originalOffset];
  return (
    (topic === undefined || topic === null || topic === (c.topic ?? TOPIC)) &&
    String(partition) === String(c.partition) &&
    offset === c.offset
  );
}

/**
 * `conflict-missed`: an injected conflicting copy (a record at a stream version the read model had
 * already applied, with another event id or other content) that was not dead-lettered: either it
 * was APPLIED (found in the applied log at its own topic position: state moved back to an old
 * version, or an event no command wrote took a version), or it vanished (neither in the DLQ nor
 * applied nor parked: silently dropped as a duplicate). Both hide a contradiction an operator
 * must see.
 */
export function checkConflictMissed(input: CheckInput): CheckResult {
  const anomalies: Anomaly[] = [];
  for (const c of input.injections ?? []) {
    if (c.what !== 'conflict') continue;
    const applied = input.read.applied.find((a) => a.partition === c.partition && a.offset === c.offset);
    const inDlq = input.topics.dlq.some((r) => deadLetterOf(r, c));
    const parked = input.read.parked.some((p) => p.partition === c.partition && p.offset === c.offset);
    if (!applied && (inDlq || parked)) continue;
    const where = `${c.streamId ?? c.key ?? '?'} v${c.streamVersion ?? '?'} (${c.case ?? 'conflict'}, partition ${c.partition} offset ${c.offset})`;
    anomalies.push({
      name: 'conflict-missed',
      message: applied
        ? `conflicting copy ${where} was applied over the version already applied instead of dead-lettered`
        : `conflicting copy ${where} is in neither the DLQ, the applied log nor parked_events: dropped silently`,
      ...(c.streamId ? { streamId: c.streamId } : {}),
      ...(c.eventId ? { eventId: c.eventId } : {}),
      ...(c.streamVersion !== undefined ? { versions: [c.streamVersion] } : {}),
      data: { how: c.case, partition: c.partition, offset: c.offset, applied: applied !== undefined, deadLettered: inDlq },
    });
  }
  return result('conflict-missed', anomalies);
}
