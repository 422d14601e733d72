// The nemesis's shared connections: one Kafka producer and admin (direct bootstrap, no proxy),
// admin SQL on the real database servers, and the system's own `npm run dlq` tool. Each opens
// on first use and closes with the nemesis.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Admin, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { harnessKafka } from '../environment/harnessKafka.ts';
import mysql from 'mysql2/promise';
import { partitionLeader, rawProducer, type BrokerAddress, type RawProducer } from '../../system/testing/rawKafka/rawProducer.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { systemProcessEnv } from '../environment/system.ts';
import type { DbServer, EnvAddresses } from '../environment/types.ts';
import type { FaultTools, TopicRecord } from './family.ts';

const run = promisify(execFile);
const adminUrl = (d: DbServer) =>
  `mysql://${encodeURIComponent(d.admin.user)}:${encodeURIComponent(d.admin.password)}@${d.host}:${d.port}/${d.database}`;

/** Every record up to the high watermarks at call time, through a throwaway consumer group. */
async function readTopic(kafka: Kafka, admin: Admin, topic: string): Promise<TopicRecord[]> {
  const ends = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, high: BigInt(p.high), low: BigInt(p.low) }));
  const pending = new Set(ends.filter((e) => e.high > e.low).map((e) => e.partition));
  const out: TopicRecord[] = [];
  if (pending.size === 0) return out;
  const groupId = `faultline-nemesis-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic}: partitions ${[...pending].join(',')} not read to their end within 30 s`)),
        30_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = ends.find((e) => e.partition === batch.partition)!;
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= end.high) break;
              const headers: Record<string, Buffer> = {};
              for (const [k, v] of Object.entries(m.headers ?? {}))
                if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v : Buffer.from(String(v));
              out.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers });
              if (BigInt(m.offset) + 1n >= end.high) pending.delete(batch.partition);
            }
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return out;
}

export function createFaultTools(env: EnvAddresses): FaultTools {
  const kafka = harnessKafka(env, 'faultline-nemesis');
  let producer: Promise<Producer> | undefined;
  let admin: Promise<Admin> | undefined;
  let raw: RawProducer | undefined;
  const leaders = new Map<string, Promise<BrokerAddress>>();
  const getAdmin = () =>
    (admin ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })());
  return {
    async produce(topic, m) {
      producer ??= (async () => {
        // The relay's partitioner: a record produced by key lands on its stream's partition.
        const p = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
        await p.connect();
        return p;
      })();
      const [meta] = await (
        await producer
      ).send({
        topic,
        acks: -1,
        messages: [{ key: m.key, value: m.value, headers: m.headers, ...(m.partition !== undefined ? { partition: m.partition } : {}) }],
      });
      if (!meta || meta.baseOffset === undefined) throw new Error(`produce to ${topic}: no offset in the broker's answer`);
      return { partition: meta.partition, offset: String(meta.baseOffset) };
    },
    async rawProduce(topic, partition, record) {
      const where = `${topic}/${partition}`;
      let leader = leaders.get(where);
      if (!leader) leaders.set(where, (leader = partitionLeader(await getAdmin(), topic, partition)));
      raw ??= rawProducer({ sasl: env.kafka.sasl });
      try {
        const offset = await raw.produce(await leader, topic, partition, [record]);
        return { partition, offset: String(offset) };
      } catch (err) {
        leaders.delete(where); // the leader may have moved: looked up again next time
        throw err;
      }
    },
    async partitions(topic) {
      const meta = await (await getAdmin()).fetchTopicMetadata({ topics: [topic] });
      return meta.topics[0]?.partitions.length ?? 0;
    },
    readTopic: async (topic) => readTopic(kafka, await getAdmin(), topic),
    async query<T>(db: 'commands' | 'queries', sql: string, params: unknown[] = []) {
      // Generous: on a loaded machine a local server can take seconds to accept (a fault must not fail for that).
      const conn = await mysql.createConnection({ uri: adminUrl(env.mariadb[db]), connectTimeout: 20_000 });
      try {
        const [rows] = await conn.query(sql, params);
        return (Array.isArray(rows) ? rows : []) as T[];
      } finally {
        await conn.end().catch(() => undefined);
      }
    },
    async dlq(args) {
      const consumeMode = systemProcessEnv('projector')?.CONSUME_MODE ?? 'effectively-once';
      const { stdout } = await run(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'system/cli/dlq.ts'), ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, QUERIES_DB_URL: adminUrl(env.mariadb.queries), CONSUME_MODE: consumeMode },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    },
    kafkaAdmin: getAdmin,
    async close() {
      if (producer) await (await producer).disconnect().catch(() => undefined);
      if (admin) await (await admin).disconnect().catch(() => undefined);
      raw?.close();
      raw = undefined;
      leaders.clear();
      producer = undefined;
      admin = undefined;
    },
  };
}
