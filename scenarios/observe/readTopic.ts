// Reads a whole topic, from the beginning to the high watermark seen at the start, over the
// broker's INTERNAL listener (the harness observes; it is not a client behind a proxy).
import { createHash, randomUUID } from 'node:crypto';
import { harnessKafka } from '../environment/harnessKafka.ts';
import type { KafkaMessage } from 'kafkajs';
import type { KafkaSasl } from '../../system/shared/kafka.ts';
import type { TopicRecord } from '../checkers/types.ts';
import { readDeadLetterHeaders } from '../../system/projector/dlqRecord.ts';
import { decodeHeaders } from '../../system/shared/kafka.ts';

// A null header value (Kafka allows it; kafkajs reads it as null) reads as the empty string here.
const decode = (v: Buffer | string | null | (Buffer | string | null)[] | undefined): string =>
  v === undefined || v === null ? '' : Array.isArray(v) ? decode(v[0]) : Buffer.isBuffer(v) ? v.toString('utf8') : v;

/** One record as the checkers read it: text headers, the value's size and hash, DLT provenance. */
function topicRecord(partition: number, message: KafkaMessage): TopicRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = decode(v);
  // Spring's DLT headers carry partition and offset as big-endian binary, not text.
  const raw = decodeHeaders(message.headers);
  const dlt = raw['kafka_dlt-original-topic'] ? readDeadLetterHeaders(raw) : undefined;
  return {
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    headers,
    value: message.value ? message.value.toString('utf8') : null,
    ...(message.value ? { valueBytes: message.value.length, valueSha256: createHash('sha256').update(message.value).digest('hex') } : {}),
    timestamp: message.timestamp,
    ...(dlt
      ? { dlt: { originalTopic: dlt.originalTopic, originalPartition: dlt.originalPartition, originalOffset: dlt.originalOffset } }
      : {}),
  };
}

export async function readTopic(
  env: { kafka: { internal: string[]; sasl?: KafkaSasl | undefined } },
  topic: string,
  timeoutMs = 30_000,
): Promise<TopicRecord[]> {
  const kafka = harnessKafka(env, 'faultline-observer');
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const starts = new Map<number, bigint>();
  const records: TopicRecord[] = [];
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  if (pending.size === 0) return records;

  const groupId = `faultline-observer-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic}: partitions ${[...pending].join(',')} not read to their end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const reached = (partition: number, offset: bigint) => {
        if (offset >= (ends.get(partition) ?? 0n) - 1n && pending.delete(partition) && pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      // A transactional producer (Kafka Connect's exactly-once) ends a partition with a commit
      // marker, a control record no message carries: the batch's last offset, which counts it, does.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.topic === topic) reached(e.payload.partition, BigInt(e.payload.lastOffset));
      });
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const offset = BigInt(message.offset);
            if (!starts.has(partition)) starts.set(partition, offset);
            const end = ends.get(partition) ?? 0n;
            if (offset < end) records.push(topicRecord(partition, message));
            reached(partition, offset);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const cleanup = kafka.admin();
    await cleanup
      .connect()
      .then(() => cleanup.deleteGroups([groupId]))
      .catch(() => undefined);
    await cleanup.disconnect().catch(() => undefined);
  }
  return records.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}
