import type { Kafka, Producer, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSendDeadlineError, resettableProducer } from './kafka.ts';
import { KafkaPartitionSkippedError } from './partitionCoverage.ts';

/**
 * A stand-in for kafkajs' client whose sends follow a script: each producer's sends answer as told
 * ('skip': resolved without an answer for the messages' partition, as kafkajs does after a failover).
 */
function scriptedKafka(script: Array<'hang' | 'ok' | 'fail' | 'skip'>) {
  const made: Array<{ sends: ProducerRecord[]; disconnected: boolean }> = [];
  const kafka = {
    producer: (config: ProducerConfig) => {
      const partition = config.createPartitioner!();
      const me = { sends: [] as ProducerRecord[], disconnected: false };
      made.push(me);
      return {
        connect: async () => undefined,
        disconnect: async () => {
          me.disconnected = true;
        },
        send: (r: ProducerRecord) => {
          me.sends.push(r);
          const step = script.shift();
          if (step === 'hang') return new Promise(() => undefined);
          if (step === 'fail') return Promise.reject(new Error('broker said no'));
          const used = new Set(
            r.messages.map((message) =>
              partition({
                topic: r.topic,
                partitionMetadata: [{ partitionId: 0, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }],
                message,
              }),
            ),
          );
          const answer: RecordMetadata[] = [...used].map((p) => ({ topicName: r.topic, partition: p, errorCode: 0 }));
          return Promise.resolve(step === 'skip' ? [] : answer);
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, made };
}

const record = (n: number): ProducerRecord => ({ topic: 't', messages: [{ value: String(n) }] });

describe('resettableProducer', () => {
  it('fails a send that never settles at its deadline, drops that producer, and sends the next on a fresh one', async () => {
    const { kafka, made } = scriptedKafka(['hang', 'ok']);
    const p = resettableProducer(kafka, {}, { sendDeadlineMs: 50 });
    const started = Date.now();
    await expect(p.send(record(1))).rejects.toBeInstanceOf(KafkaSendDeadlineError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(made[0]!.disconnected).toBe(true);
    await expect(p.send(record(2))).resolves.toEqual([{ topicName: 't', partition: 0, errorCode: 0 }]);
    expect(made).toHaveLength(2);
    expect(made[1]!.sends.map((r) => r.messages[0]!.value)).toEqual(['2']);
  });

  it('keeps one producer across successful sends and replaces it after a failure', async () => {
    const { kafka, made } = scriptedKafka(['ok', 'ok', 'fail', 'ok']);
    const p = resettableProducer(kafka, {}, { sendDeadlineMs: 1_000 });
    await p.send(record(1));
    await p.send(record(2));
    expect(made).toHaveLength(1);
    await expect(p.send(record(3))).rejects.toThrow('broker said no');
    await p.send(record(4));
    expect(made).toHaveLength(2);
    expect(made[0]!.disconnected).toBe(true);
  });

  it('fails a send that resolved without an answer for its partition, and sends the next on a fresh producer', async () => {
    const { kafka, made } = scriptedKafka(['skip', 'ok']);
    const p = resettableProducer(kafka, {}, { sendDeadlineMs: 1_000 });
    await expect(p.send(record(1))).rejects.toBeInstanceOf(KafkaPartitionSkippedError);
    expect(made[0]!.disconnected).toBe(true);
    await expect(p.send(record(1))).resolves.toHaveLength(1);
    expect(made).toHaveLength(2);
  });
});

describe('resettableProducer while it connects', () => {
  it('lets no concurrent send reach a producer whose connect has not resolved, and connects once', async () => {
    const events: string[] = [];
    let made = 0;
    let release!: () => void;
    const connected = new Promise<void>((r) => (release = r));
    const kafka = {
      producer: (config: ProducerConfig) => {
        const partition = config.createPartitioner!();
        const id = ++made;
        let ready = false;
        return {
          connect: async () => {
            events.push(`connect ${id}`);
            await connected;
            ready = true;
          },
          disconnect: async () => undefined,
          send: async (r: ProducerRecord) => {
            events.push(`send on ${id} ${ready ? 'connected' : 'CONNECTING'}`);
            if (!ready) throw new Error('send on a producer that is still connecting');
            const p = partition({
              topic: r.topic,
              partitionMetadata: [{ partitionId: 0, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }],
              message: r.messages[0]!,
            });
            return [{ topicName: r.topic, partition: p, errorCode: 0 }];
          },
        } as unknown as Producer;
      },
    } as unknown as Kafka;
    const p = resettableProducer(kafka, {}, { sendDeadlineMs: 2_000 });
    const first = p.send(record(1));
    await new Promise((r) => setTimeout(r, 10)); // the first send is inside connect()
    const second = p.send(record(2));
    await new Promise((r) => setTimeout(r, 10));
    release();
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    expect(events.filter((e) => e.includes('CONNECTING'))).toEqual([]);
    expect(made).toBe(1);
  });
});
