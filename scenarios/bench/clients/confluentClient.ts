// @confluentinc/kafka-javascript (librdkafka), loaded from the install cache, through its
// KafkaJS-compatible API. librdkafka fetches ahead on its own threads (queued.min.messages) whatever
// the JavaScript side does; eachBatch hands over what it has.
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

// The few parts of its API used here (it is not a dependency, so its types are not at hand).
interface ConfluentBatch {
  batch: { messages: { value: Buffer | null }[] };
}
interface ConfluentModule {
  KafkaJS: {
    Kafka: new (o: Record<string, unknown>) => {
      producer(o: Record<string, unknown>): {
        connect(): Promise<void>;
        send(o: { topic: string; messages: Record<string, unknown>[] }): Promise<unknown>;
        disconnect(): Promise<void>;
      };
      consumer(o: Record<string, unknown>): {
        connect(): Promise<void>;
        subscribe(o: { topics: string[] }): Promise<void>;
        run(o: { eachBatch: (p: ConfluentBatch) => Promise<void>; partitionsConsumedConcurrently: number }): Promise<void>;
        disconnect(): Promise<void>;
      };
    };
    logLevel: { ERROR: number };
  };
}

// Every message librdkafka holds, per eachBatch call: on this bench 20 k records read at ~47 k/s
// with the default 32, ~42 k/s with 500, ~62 k/s unbounded.
const MAX_BATCH = -1;

export function confluentClient(t: KafkaTarget, mod: unknown, version: string): ClientAdapter {
  const { KafkaJS } = mod as ConfluentModule;
  const kafka = new KafkaJS.Kafka({
    kafkaJS: {
      brokers: t.brokers,
      clientId: 'faultline-bench-clients-confluent',
      logLevel: KafkaJS.logLevel.ERROR,
      ...(t.sasl ? { sasl: { mechanism: t.sasl.mechanism, username: t.sasl.username, password: t.sasl.password } } : {}),
    },
  });
  // send() rewrites the objects it is given: each batch gets fresh ones.
  const toMessages = (b: readonly BenchRecord[]) => b.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers } }));
  return {
    name: 'confluent',
    version,
    guarantees: {
      produce:
        'enable.idempotence=true, acks=all (-1), max.in.flight=1, murmur2_random partitioner (the KafkaJS layer’s, Java-compatible); linger.ms left at librdkafka’s 5 ms (0 and 1 were no clearer a gain in trials)',
      consume:
        'isolation.level=read_committed, eachBatch (js.consumer.max.batch.size=-1: all it has fetched), one partition at a time, no offset commits',
    },
    async produceBatches(topic, warmup, batches) {
      const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1, maxInFlightRequests: 1, allowAutoTopicCreation: false } });
      await producer.connect();
      try {
        for (const b of warmup) await producer.send({ topic, messages: toMessages(b) });
        const prepared = batches.map(toMessages);
        const started = performance.now();
        for (const messages of prepared) await producer.send({ topic, messages });
        return { records: prepared.reduce((n, b) => n + b.length, 0), ms: performance.now() - started };
      } finally {
        await producer.disconnect();
      }
    },
    async consumeAll(topic, count, processing) {
      const consumer = kafka.consumer({
        kafkaJS: { groupId: groupId('confluent'), fromBeginning: true, autoCommit: false, readUncommitted: false },
        'js.consumer.max.batch.size': MAX_BATCH,
      });
      const cd = new Countdown(count);
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic] });
        const started = performance.now();
        await consumer.run({
          partitionsConsumedConcurrently: 1,
          eachBatch: countdownBatches(cd, processing),
        });
        await within(`confluent consumed ${count}`, cd.done, consumeTimeoutMs(count));
        return { records: count, ms: cd.lastAt - cd.firstAt, firstRecordMs: cd.firstAt - started };
      } finally {
        await consumer.disconnect();
      }
    },
  };
}
