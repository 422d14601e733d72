import { TOPIC } from '../../system/shared/events.ts';
import { DLQ_HEADERS, result, type Anomaly, type CheckInput, type CheckResult, type TopicRecord } from './types.ts';

/** The original record a dead letter names by its `kafka_dlt-original-*` position, if it was read. */
function originalOf(dl: TopicRecord, byPosition: ReadonlyMap<string, TopicRecord>): TopicRecord | undefined {
  const topic = dl.dlt ? dl.dlt.originalTopic : dl.headers[DLQ_HEADERS.originalTopic];
  if (topic !== undefined && topic !== null && topic !== TOPIC) return undefined;
  const partition = dl.dlt ? dl.dlt.originalPartition : dl.headers[DLQ_HEADERS.originalPartition];
  const offset = dl.dlt ? dl.dlt.originalOffset : dl.headers[DLQ_HEADERS.originalOffset];
  if (partition === undefined || partition === null || offset === undefined || offset === null) return undefined;
  return byPosition.get(`${partition}@${offset}`);
}

/**
 * `dlq-cut-unmarked`: a dead-letter copy whose value is not the original's bytes (another length
 * or SHA-256) must say so: the truncation header, and the original's length and SHA-256, so a
 * reader never takes cut bytes for the record; and a copy of the original's very bytes must not
 * say it was cut. The `dead_letters` row says the same of its copy (`topic_copy`): `full` for an
 * uncut copy on the topic, `truncated` for a cut one, `none` when none got there. Judged only
 * where both values' sizes and hashes were read (older run directories have neither).
 */
export function checkDlqCutUnmarked(input: CheckInput): CheckResult {
  const byPosition = new Map(input.topics.events.map((r) => [`${r.partition}@${r.offset}`, r]));
  const anomalies: Anomaly[] = [];
  for (const dl of input.topics.dlq) {
    const orig = originalOf(dl, byPosition);
    if (!orig || orig.valueSha256 === undefined || dl.valueSha256 === undefined) continue;
    const h = dl.headers;
    if (orig.valueSha256 === dl.valueSha256 && orig.valueBytes === dl.valueBytes) {
      // (a record that itself carried the header keeps it on its copy: a header the copy was given)
      if (h[DLQ_HEADERS.truncated] !== undefined && orig.headers[DLQ_HEADERS.truncated] === undefined)
        anomalies.push({
          name: 'dlq-cut-unmarked',
          message: `dead letter ${dl.partition}@${dl.offset} says it was cut (${DLQ_HEADERS.truncated}) but holds the original ${orig.partition}@${orig.offset}'s very bytes`,
          data: { dlq: `${dl.partition}@${dl.offset}`, original: `${orig.partition}@${orig.offset}` },
        });
      continue;
    }
    const problems = [
      h[DLQ_HEADERS.truncated] === undefined ? `no ${DLQ_HEADERS.truncated} header` : undefined,
      h[DLQ_HEADERS.valueLength] !== String(orig.valueBytes)
        ? `${DLQ_HEADERS.valueLength} is ${h[DLQ_HEADERS.valueLength] ?? 'absent'}, not ${orig.valueBytes}`
        : undefined,
      h[DLQ_HEADERS.valueSha256] !== orig.valueSha256
        ? `${DLQ_HEADERS.valueSha256} is ${h[DLQ_HEADERS.valueSha256] ?? 'absent'}, not the original's`
        : undefined,
    ].filter((p): p is string => p !== undefined);
    if (problems.length === 0) continue;
    anomalies.push({
      name: 'dlq-cut-unmarked',
      message: `dead letter ${dl.partition}@${dl.offset} holds ${dl.valueBytes ?? 0} of the original ${orig.partition}@${orig.offset}'s ${orig.valueBytes} bytes (other bytes) but: ${problems.join('; ')}`,
      data: {
        dlq: `${dl.partition}@${dl.offset}`,
        original: `${orig.partition}@${orig.offset}`,
        copyBytes: dl.valueBytes,
        originalBytes: orig.valueBytes,
      },
    });
  }
  anomalies.push(...topicCopyMisfiled(input, byPosition));
  return result('dlq-cut-unmarked', anomalies);
}

/** `dead_letters.topic_copy` against what the dead-letter topic holds for that record. */
function topicCopyMisfiled(input: CheckInput, byPosition: ReadonlyMap<string, TopicRecord>): Anomaly[] {
  const copies = new Map<string, Set<string>>(); // original position → kinds of copy on the topic
  for (const dl of input.topics.dlq) {
    const orig = originalOf(dl, byPosition);
    if (!orig || orig.valueSha256 === undefined || dl.valueSha256 === undefined) continue;
    const kind = orig.valueSha256 === dl.valueSha256 && orig.valueBytes === dl.valueBytes ? 'full' : 'truncated';
    const at = `${orig.partition}@${orig.offset}`;
    copies.set(at, (copies.get(at) ?? new Set()).add(kind));
  }
  const out: Anomaly[] = [];
  for (const d of input.read.deadLetters ?? []) {
    if (d.topicCopy === undefined || d.partition === undefined || (d.topic ?? TOPIC) !== TOPIC) continue;
    const at = `${d.partition}@${d.offset}`;
    const orig = byPosition.get(at);
    if (!orig || orig.valueSha256 === undefined) continue; // the original's bytes were not read: nothing to compare
    const kinds = copies.get(at) ?? new Set(['none']);
    if (kinds.size !== 1 || kinds.has(d.topicCopy ?? 'null')) continue;
    out.push({
      name: 'dlq-cut-unmarked',
      message: `dead letter #${d.id} (record ${at}) is filed with topic_copy ${JSON.stringify(d.topicCopy)}, but the dead-letter topic holds ${[...kinds][0] === 'none' ? 'no copy of it' : `a ${[...kinds][0]} copy`}`,
      data: { deadLetter: d.id, original: at, topicCopy: d.topicCopy, onTopic: [...kinds][0] },
    });
  }
  return out;
}
