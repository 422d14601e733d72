// Raw Kafka baseline: the relay's records produced with kafkajs and the relay's producer settings
// (idempotent, one request in flight, acks=all, the same batch size, one batch at a time) to a
// throwaway topic configured like the real one, on the same broker(s).
import { createKafka, idempotentProducerConfig, type KafkaSasl } from '../../system/shared/kafka.ts';
import { topicConfig } from '../../system/shared/topics.ts';
import { benchEvents, chunks, kafkaRecord } from './fixtures.ts';
import { perSecond } from './stats.ts';

export interface RawProduceResult {
  messages: number;
  ms: number;
  perSecond: number;
  meanBatchMs: number;
}

/** Where and what a raw produce baseline produces. */
export interface RawProduceOptions {
  brokers: string[];
  bootstrapForAdmin: string[];
  /** The harness's principal (the raw baseline produces as the harness, on any listener). */
  sasl?: KafkaSasl | undefined;
  replicationFactor: number;
  events: number;
  batchSize: number;
}

export async function rawProduceBaseline(o: RawProduceOptions): Promise<RawProduceResult> {
  const topic = `faultline-bench-raw-${Date.now()}`;
  const admin = createKafka({ brokers: o.bootstrapForAdmin, clientId: 'faultline-bench-admin', sasl: o.sasl }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 3, replicationFactor: o.replicationFactor, configEntries: topicConfig(o.replicationFactor) }],
    });
    const producer = createKafka({ brokers: o.brokers, clientId: 'faultline-bench-raw', sasl: o.sasl }).producer(
      idempotentProducerConfig(),
    );
    await producer.connect();
    try {
      const batches = chunks(benchEvents(o.events).map(kafkaRecord), o.batchSize);
      // Warm-up before the clock (metadata, producer id, JIT), as a running relay has had.
      for (const messages of chunks(benchEvents(o.batchSize * 10).map(kafkaRecord), o.batchSize))
        await producer.send({ topic, acks: -1, messages });
      const started = performance.now();
      for (const messages of batches) await producer.send({ topic, acks: -1, timeout: 10_000, messages });
      const ms = performance.now() - started;
      return { messages: o.events, ms, perSecond: perSecond(o.events, ms), meanBatchMs: ms / batches.length };
    } finally {
      await producer.disconnect();
    }
  } finally {
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 }).catch(() => undefined);
    await admin.disconnect();
  }
}
