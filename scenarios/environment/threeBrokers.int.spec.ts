// `--brokers 3`: three KRaft nodes on their own ports and run dir, topics with RF 3 and
// min ISR 2, each broker behind its own relay/projector proxies; losing one broker keeps
// acks=all publishing working (2 in sync), and `status` names the dead one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIBLING_SPANS, siblingBasePort } from './ports.ts';
import type { EnvAddresses } from './types.ts';

// Its own span of ports beside FAULTLINE_BASE_PORT's (the shared environment's), never a fixed one.
process.env.FAULTLINE_BASE_PORT = String(siblingBasePort(SIBLING_SPANS.threeBrokers));
process.env.FAULTLINE_RUN_DIR = mkdtempSync(join(tmpdir(), 'faultline-3brokers-'));

const { getLocalProvider, infraProcesses, localLayout } = await import('./local/localProvider.ts');
const { signalProcess } = await import('./local/processes.ts');
const { ensureTopics } = await import('../../system/shared/topics.ts');

const provider = getLocalProvider();
let env: EnvAddresses;
const kafka = (brokers: string[]) =>
  new Kafka({ clientId: 'three-brokers', brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200 } });

describe('three brokers', () => {
  beforeAll(async () => {
    env = await provider.up({ brokers: 3 });
    await ensureTopics({ brokers: env.kafka.internal, replicationFactor: 3 });
  }, 240_000);
  afterAll(() => provider.down(), 90_000);

  it('replicates the topic three times with two in-sync replicas required', async () => {
    const admin = kafka(env.kafka.internal).admin();
    await admin.connect();
    try {
      const md = await admin.fetchTopicMetadata({ topics: ['user-events'] });
      expect(md.topics[0]!.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);
      const cfg = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: 'user-events', configNames: ['min.insync.replicas'] }],
      });
      expect(cfg.resources[0]!.configEntries.find((c) => c.configName === 'min.insync.replicas')?.configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('advertises one relay and one projector proxy per broker', async () => {
    expect(env.kafka.relay).toHaveLength(3);
    const admin = kafka(env.kafka.relay).admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await admin.disconnect();
    expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...env.kafka.relay].sort());
  });

  it('keeps acks=all publishing through the proxies with one broker killed, and status names it', { timeout: 120_000 }, async () => {
    const broker3 = infraProcesses(localLayout(3)).find((p) => p.name === 'kafka-3')!;
    signalProcess(broker3, 'SIGKILL');
    // The controller fences a dead broker after its session times out; until then metadata may
    // still name it leader. Wait for the failover, then acks=all must work with two in sync.
    const admin = kafka(env.kafka.internal.slice(0, 2)).admin();
    await admin.connect();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const md = await admin.fetchTopicMetadata({ topics: ['user-events'] });
        if (md.topics[0]!.partitions.every((p) => p.leader !== 3)) break;
        if (Date.now() > deadline) throw new Error('partitions led by the dead broker never moved');
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await admin.disconnect();
    }
    const producer = kafka(env.kafka.relay).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const sent = await producer.send({
        topic: 'user-events',
        acks: -1,
        messages: Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      });
      expect(sent.every((r) => r.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }
    const health = Object.fromEntries((await provider.status()).map((c) => [c.name, c.healthy]));
    expect(health['kafka-3']).toBe(false);
    expect(health['kafka-1']).toBe(true);
  });
});
