// kafkajs, as the system uses it: the relay's producer settings (shared/kafka.ts), and eachBatch
// on the consumer side.
import { createRequire } from 'node:module';
import type { Message } from 'kafkajs';
import { createKafka, idempotentProducerConfig } from '../../../system/shared/kafka.ts';
import {
  consumeTimeoutMs,
  Countdown,
  countdownBatches,
  groupId,
  within,
  type BenchRecord,
  type ClientAdapter,
  type KafkaTarget,
} from './clientApi.ts';

const version = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;

const toMessages = (batch: readonly BenchRecord[]): Message[] =>
  batch.map((r) => ({
    key: r.key,
    value: r.value,
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
  }));

export function kafkajsClient(t: KafkaTarget): ClientAdapter {
  const kafka = () => createKafka({ brokers: t.brokers, clientId: 'faultline-bench-clients-kafkajs', sasl: t.sasl });
  return {
    name: 'kafkajs',
    version,
    guarantees: {
      produce: 'idempotent, acks=all (-1), 1 request in flight (the relay’s settings)',
      consume: 'read_committed (readUncommitted: false), eachBatch, one partition at a time, no offset commits',
    },
    async produceBatches(topic, warmup, batches) {
      const producer = kafka().producer(idempotentProducerConfig());
      await producer.connect();
      try {
        for (const b of warmup) await producer.send({ topic, acks: -1, messages: toMessages(b) });
        const prepared = batches.map(toMessages);
        const started = performance.now();
        for (const messages of prepared) await producer.send({ topic, acks: -1, timeout: 10_000, messages });
        return { records: prepared.reduce((n, b) => n + b.length, 0), ms: performance.now() - started };
      } finally {
        await producer.disconnect();
      }
    },
    async consumeAll(topic, count, processing) {
      const consumer = kafka().consumer({ groupId: groupId('kafkajs'), readUncommitted: false });
      const cd = new Countdown(count);
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        const started = performance.now();
        await consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: countdownBatches(cd, processing),
        });
        await within(`kafkajs consumed ${count}`, cd.done, consumeTimeoutMs(count));
        return { records: count, ms: cd.lastAt - cd.firstAt, firstRecordMs: cd.firstAt - started };
      } finally {
        await consumer.disconnect();
      }
    },
  };
}
