// The kafkajs adapter on the running environment: what it produces through produceBatches is
// what consumeAll reads back from the beginning, every record once, each through the processing.
// (The candidates are not tried here: their install needs the registry, and a source build minutes.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../system/shared/kafka.ts';
import { topicConfig } from '../../../system/shared/topics.ts';
import { requireState } from '../../environment/state.ts';
import { kafkajsClient } from './kafkajsClient.ts';
import { Processing } from './processing.ts';
import { recordBatches } from './records.ts';

const env = requireState();
const admin = createKafka({ brokers: env.kafka.internal, clientId: 'clients-it', sasl: env.kafka.sasl }).admin();
const topic = `faultline-bench-clients-it-${Date.now()}`;

beforeAll(async () => {
  await admin.connect();
  const rf = Math.min(env.kafka.brokers, 3);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 3, replicationFactor: rf, configEntries: topicConfig(rf) }],
  });
});
afterAll(async () => {
  await admin.deleteTopics({ topics: [topic], timeout: 30_000 }).catch(() => undefined);
  await admin.disconnect();
});

describe('kafkajs adapter', () => {
  it('reads back exactly the records it produced', async () => {
    const client = kafkajsClient({ brokers: env.kafka.internal, sasl: env.kafka.sasl });
    const warmup = recordBatches(500, 250);
    const batches = recordBatches(1500, 500);
    const produced = await client.produceBatches(topic, warmup, batches);
    expect(produced.records).toBe(1500);
    expect(produced.ms).toBeGreaterThan(0);

    const ids: string[] = [];
    const processing = new Processing(500, 1, (v) => ids.push((v as { eventId: string }).eventId));
    const read = await client.consumeAll(topic, 2000, processing);
    expect(read.records).toBe(2000);
    const sent = [...warmup, ...batches].flat().map((r) => (JSON.parse(r.value) as { eventId: string }).eventId);
    expect(new Set(ids).size).toBe(2000);
    expect([...ids].sort()).toEqual([...sent].sort());
  });
});
