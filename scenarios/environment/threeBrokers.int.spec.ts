// `--brokers 3`: three KRaft nodes on their own ports and run dir, topics with RF 3 and
// min ISR 2, each broker behind its own relay/projector proxies and its own inbound replication
// proxy; cutting that proxy shrinks the ISR of what the broker leads (and acks=all is refused)
// until healed; losing one broker keeps acks=all publishing working (2 in sync), and `status`
// names the dead one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessAuth } from './harnessKafka.ts';
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
  new Kafka({
    clientId: 'three-brokers',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200 },
    ...harnessAuth(env),
  });

describe('three brokers', () => {
  beforeAll(async () => {
    env = await provider.up({ brokers: 3 });
    await ensureTopics({ brokers: env.kafka.internal, sasl: env.kafka.sasl, replicationFactor: 3 });
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

  it(
    'routes replication through one proxy per broker: cutting one shrinks the ISR of what it leads to itself, healing restores it',
    { timeout: 150_000 },
    async () => {
      expect(env.kafka.replication?.map((p) => p.name)).toEqual(['replication-kafka-1', 'replication-kafka-2', 'replication-kafka-3']);
      const admin = kafka(env.kafka.internal).admin();
      await admin.connect();
      const toxi = new Toxiproxy(env.toxiproxy.api);
      try {
        await waitForIsr(admin, (ps) => ps.every((p) => p.isr.length === 3), 'all replicas in sync at the start');
        const before = await partitionsOf(admin);
        const cut = before[0]!.leader;
        const led = before.filter((p) => p.leader === cut).map((p) => p.partitionId);
        const proxy = await toxi.get(`replication-kafka-${cut}`);
        await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
        try {
          // A follower is out of sync only once the leader has records it lacks: write some with
          // acks=1 (the leader alone), which the cut followers cannot fetch.
          const leaderOnly = kafka(env.kafka.relay).producer({ idempotent: false });
          await leaderOnly.connect();
          await leaderOnly.send({ topic: 'user-events', acks: 1, messages: led.map((partition) => ({ partition, key: 'k', value: 'v' })) });
          await leaderOnly.disconnect();
          const shrunk = await waitForIsr(
            admin,
            (ps) => ps.filter((p) => led.includes(p.partitionId)).every((p) => p.isr.length === 1 && p.isr[0] === cut),
            `partitions ${led.join(',')} led by broker ${cut} shrinking to ISR [${cut}]`,
          );
          // Inbound only: broker `cut` still fetches from the others, so what they lead keeps 3 in sync.
          expect(shrunk.filter((p) => !led.includes(p.partitionId)).every((p) => p.isr.length === 3)).toBe(true);
          // acks=all below min.insync.replicas is refused, not silently accepted.
          const producer = kafka(env.kafka.relay).producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 2 } });
          await producer.connect();
          try {
            await expect(
              producer.send({ topic: 'user-events', acks: -1, timeout: 5000, messages: [{ partition: led[0]!, key: 'k', value: 'v' }] }),
            ).rejects.toThrow(/NOT_ENOUGH_REPLICAS|not enough|replicas/i);
          } finally {
            await producer.disconnect();
          }
        } finally {
          await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
        }
        await waitForIsr(admin, (ps) => ps.every((p) => p.isr.length === 3), 'every replica back in sync after the heal');
      } finally {
        await admin.disconnect();
      }
    },
  );

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

type PartitionMeta = { partitionId: number; leader: number; isr: number[] };

async function partitionsOf(admin: Admin): Promise<PartitionMeta[]> {
  const md = await admin.fetchTopicMetadata({ topics: ['user-events'] });
  return md.topics[0]!.partitions.map((p) => ({ partitionId: p.partitionId, leader: p.leader, isr: [...p.isr].sort() }));
}

/** Polls the topic's metadata until `ok` holds (the ISR changes seconds after the cause). */
async function waitForIsr(admin: Admin, ok: (ps: PartitionMeta[]) => boolean, what: string): Promise<PartitionMeta[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ps = await partitionsOf(admin);
    if (ok(ps)) return ps;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(ps)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
