// The durability and isolation settings the bench ran with, read from the servers themselves
// (so a figure can never silently come from a weakened setup).
import kafkajs from 'kafkajs';
import { TOPIC } from '../../system/shared/events.ts';
import { createKafka, idempotentProducerConfig } from '../../system/shared/kafka.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { adminConnection } from './systemControl.ts';

export interface Durability {
  mariadb: Record<'commands' | 'queries', Record<string, string | number | null>>;
  kafka: { topic: string; config: Record<string, string | null> };
  /** Client-side settings fixed in code (system/shared/kafka.ts, dbSession.ts), stated for the record. */
  clients: { producerAcks: string; producerIdempotent: boolean; systemSessionIsolation: string };
}

async function readMariaDb(addr: EnvAddresses, db: 'commands' | 'queries') {
  const conn = await adminConnection(addr, db);
  try {
    const [rows] = await conn.query(
      `SELECT @@innodb_flush_log_at_trx_commit AS innodb_flush_log_at_trx_commit, @@sync_binlog AS sync_binlog,
              @@log_bin AS log_bin, @@innodb_doublewrite AS innodb_doublewrite, @@global.tx_isolation AS global_isolation,
              @@innodb_flush_method AS innodb_flush_method, @@version AS version`,
    );
    return (rows as Array<Record<string, string | number | null>>)[0]!;
  } finally {
    await conn.end();
  }
}

async function readTopicConfig(addr: EnvAddresses) {
  const admin = createKafka({ brokers: addr.kafka.internal, clientId: 'faultline-bench-durability', sasl: addr.kafka.sasl }).admin();
  await admin.connect();
  try {
    const names = ['min.insync.replicas', 'unclean.leader.election.enable', 'flush.messages', 'flush.ms'];
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: TOPIC, configNames: names }],
    });
    const entries = res.resources[0]?.configEntries ?? [];
    const config = Object.fromEntries(entries.map((e) => [e.configName, e.configValue]));
    const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    config['replication.factor'] = String(meta.topics[0]?.partitions[0]?.replicas.length ?? 'unknown');
    return config;
  } finally {
    await admin.disconnect();
  }
}

export async function readDurability(addr: EnvAddresses): Promise<Durability> {
  return {
    mariadb: { commands: await readMariaDb(addr, 'commands'), queries: await readMariaDb(addr, 'queries') },
    kafka: { topic: TOPIC, config: await readTopicConfig(addr) },
    clients: {
      producerAcks: 'all (-1), per send in system/relay/publisher.ts',
      producerIdempotent: idempotentProducerConfig().idempotent === true,
      systemSessionIsolation: 'READ COMMITTED',
    },
  };
}
