import { envelopeOf } from './topicEnvelope.ts';
import { POISON_ID_HEADER, result, type Anomaly, type CheckInput, type CheckResult, type TopicRecord } from './types.ts';

/**
 * `mispartitioned`: per-stream order in Kafka holds only if every record of a stream is keyed by
 * its stream id and so lands in one partition. Reads the event topic: a record whose key is not
 * its envelope's stream id, and a stream found on more than one partition. Records the nemesis
 * put there itself (poison, injections) are not the system's doing and are skipped.
 */
export function checkMispartitioned(input: CheckInput): CheckResult {
  const injected = new Set((input.injections ?? []).map((i) => `${i.partition}:${i.offset}`));
  const anomalies: Anomaly[] = [];
  const partitions = new Map<string, Map<number, TopicRecord>>();
  for (const r of input.topics.events) {
    if (r.headers[POISON_ID_HEADER] !== undefined || injected.has(`${r.partition}:${r.offset}`)) continue;
    const env = envelopeOf(r.value);
    if (!env) continue; // not an event (poison): other checkers judge it
    if (r.key !== env.streamId)
      anomalies.push({
        name: 'mispartitioned',
        message: `record ${r.partition}/${r.offset} of ${env.streamId} v${env.streamVersion} is keyed ${JSON.stringify(r.key)}, not by its stream id`,
        streamId: env.streamId,
        ...(env.eventId ? { eventId: env.eventId } : {}),
        versions: [env.streamVersion],
        data: { evidence: 'key', key: r.key, partition: r.partition, offset: r.offset },
      });
    const seen = partitions.get(env.streamId) ?? new Map<number, TopicRecord>();
    if (!seen.has(r.partition)) seen.set(r.partition, r);
    partitions.set(env.streamId, seen);
  }
  for (const [streamId, seen] of partitions) {
    if (seen.size < 2) continue;
    anomalies.push({
      name: 'mispartitioned',
      message: `${streamId} has records on partitions ${[...seen.keys()].sort((a, b) => a - b).join(', ')}: its order is not kept`,
      streamId,
      data: { evidence: 'partitions', firstAt: [...seen.values()].map((r) => ({ partition: r.partition, offset: r.offset })) },
    });
  }
  return result('mispartitioned', anomalies);
}
