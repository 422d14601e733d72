import { TOPIC } from '../../system/shared/events.ts';
import {
  DLQ_HEADERS,
  POISON_ID_HEADER,
  result,
  type Anomaly,
  type CheckInput,
  type CheckResult,
  type PoisonInjection,
  type TopicRecord,
} from './types.ts';

function fromOffset(r: TopicRecord, p: PoisonInjection): boolean {
  if (p.partition === undefined || p.offset === undefined) return false;
  // decoded position if the reader gave it, else headers that were written as text
  const topic = r.dlt ? r.dlt.originalTopic : r.headers[DLQ_HEADERS.originalTopic];
  const partition = r.dlt ? r.dlt.originalPartition : r.headers[DLQ_HEADERS.originalPartition];
  const offset = r.dlt ? r.dlt.originalOffset : r.headers[DLQ_HEADERS.originalOffset];
  return (topic === undefined || topic === null || topic === TOPIC) && String(partition) === String(p.partition) && offset === p.offset;
}

/**
 * `poison-lost`: an injected poison record that is neither on the dead-letter topic nor applied
 * (nor parked). Found by its poison-id header, or by its original partition/offset.
 */
export function checkPoisonLost(input: CheckInput): CheckResult {
  const applied = new Set(input.read.applied.map((r) => r.eventId));
  const anomalies: Anomaly[] = [];
  for (const p of input.poison) {
    const inDlq = input.topics.dlq.some((r) => r.headers[POISON_ID_HEADER] === p.poisonId || fromOffset(r, p));
    const isApplied = p.eventId !== undefined && applied.has(p.eventId);
    const parked = input.read.parked.some(
      (r) =>
        r.headers?.[POISON_ID_HEADER] === p.poisonId ||
        (p.eventId !== undefined && r.eventId === p.eventId) ||
        (p.partition !== undefined && r.partition === p.partition && r.offset === p.offset),
    );
    if (inDlq || isApplied || parked) continue;
    const a: Anomaly = {
      name: 'poison-lost',
      message: `poison ${p.poisonId} (${p.case}) is in neither the DLQ, the applied log nor parked_events`,
      data: { poisonId: p.poisonId, case: p.case, partition: p.partition, offset: p.offset },
    };
    if (p.eventId !== undefined) a.eventId = p.eventId;
    anomalies.push(a);
  }
  return result('poison-lost', anomalies);
}
