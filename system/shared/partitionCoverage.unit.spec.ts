import { createRequire } from 'node:module';
import type { Message, ProducerRecord, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { coverageTracker, KafkaPartitionSkippedError } from './partitionCoverage.ts';

// kafkajs' own send loop (its retries and per-broker answers), driven by a scripted cluster: the
// leader of partition 2 dies during the first attempt and the partition moves to broker 1, which
// already answered for partitions 0 and 1.
const require = createRequire(import.meta.url);
const sendMessages = require('kafkajs/src/producer/sendMessages.js') as (o: unknown) => (r: unknown) => Promise<RecordMetadata[]>;
const createRetry = require('kafkajs/src/retry/index.js') as (o: unknown) => unknown;
const { KafkaJSConnectionError } = require('kafkajs/src/errors.js') as { KafkaJSConnectionError: new (m: string) => Error };

const TOPIC = 'user-events';
type TopicData = Array<{ topic: string; partitions: Array<{ partition: number; messages: Message[] }> }>;

function failoverCluster() {
  const leaders = new Map([
    [0, 1],
    [1, 1],
    [2, 2],
  ]);
  const produced: Array<{ node: number; partitions: number[] }> = [];
  const broker = (nodeId: number) => ({
    nodeId,
    produce: async ({ topicData }: { topicData: TopicData }) => {
      const partitions = topicData.flatMap((t) => t.partitions.map((p) => p.partition));
      produced.push({ node: nodeId, partitions });
      if (nodeId === 2) {
        leaders.set(2, 1); // broker 2 died mid-request; the controller moved its partition to broker 1
        throw new KafkaJSConnectionError('Connection error: read ECONNRESET');
      }
      return {
        topics: topicData.map((t) => ({
          topicName: t.topic,
          partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
        })),
      };
    },
  });
  const brokers = new Map([1, 2].map((n) => [n, broker(n)]));
  const cluster = {
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => undefined,
    addMultipleTargetTopics: async () => undefined,
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const out: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (out[leaders.get(p)!] ??= []).push(p);
      return out;
    },
    findBroker: async ({ nodeId }: { nodeId: number }) => brokers.get(Number(nodeId)),
  };
  const eosManager = {
    acquireBrokerLock: async () => undefined,
    releaseBrokerLock: async () => undefined,
    isTransactional: () => false,
    getSequence: () => 0,
    updateSequence: () => undefined,
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
  };
  const noop = () => undefined;
  const logger = { debug: noop, info: noop, warn: noop, error: noop };
  return { cluster, eosManager, logger, produced };
}

const messages = (): Message[] => Array.from({ length: 30 }, (_, i) => ({ key: `stream-${i}`, value: String(i) }));

describe('coverageTracker', () => {
  it('catches the kafkajs send that resolves without re-sending a partition whose leader moved to a broker that had answered', async () => {
    const { cluster, eosManager, logger, produced } = failoverCluster();
    const tracker = coverageTracker();
    const send = sendMessages({
      logger,
      cluster,
      eosManager,
      partitioner: tracker.createPartitioner(),
      retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5, factor: 0, multiplier: 1 }),
    });
    const record: ProducerRecord = { topic: TOPIC, acks: -1, messages: messages() };
    const answer = await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: record.messages }] });

    // kafkajs' side of it: partition 2 was tried once, on the broker that died, and never again
    expect(produced.filter((p) => p.partitions.includes(2))).toEqual([{ node: 2, partitions: [2] }]);
    expect(answer.map((a) => a.partition).sort()).toEqual([0, 1]);
    // ours: the send is not taken for a success
    expect(() => tracker.check(record, answer)).toThrow(KafkaPartitionSkippedError);
    expect(() => tracker.check(record, answer)).toThrow(/user-events-2/);
  });

  it('accepts an answer covering every partition the messages went to, and refuses one with an error code', () => {
    const tracker = coverageTracker();
    const partition = tracker.createPartitioner();
    const metadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    const record: ProducerRecord = { topic: TOPIC, acks: -1, messages: messages() };
    const used = new Set(record.messages.map((message) => partition({ topic: TOPIC, partitionMetadata: metadata, message })));
    expect(used.size).toBe(3);
    const answer = (errorCode: (p: number) => number): RecordMetadata[] =>
      [...used].map((p) => ({ topicName: TOPIC, partition: p, errorCode: errorCode(p) }));
    expect(() =>
      tracker.check(
        record,
        answer(() => 0),
      ),
    ).not.toThrow();
    expect(() =>
      tracker.check(
        record,
        answer((p) => (p === 1 ? 6 : 0)),
      ),
    ).toThrow(/user-events-1/);
  });

  it('refuses an answer for messages the partitioner never saw', () => {
    const tracker = coverageTracker();
    const record: ProducerRecord = { topic: TOPIC, acks: -1, messages: [{ key: 'k', value: 'v' }] };
    expect(() => tracker.check(record, [{ topicName: TOPIC, partition: 0, errorCode: 0 }])).toThrow(/no partition chosen/);
  });
});
