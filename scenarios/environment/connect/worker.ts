// The Kafka Connect worker of the cdc publish modes: one JVM in distributed mode (its config,
// offset and status topics on our brokers), a small heap, its REST API on 127.0.0.1 only. It
// authenticates as its own principal (`connect`) and dials Kafka and MariaDB through its own
// Toxiproxy proxies (connect-kafka-N, connect-db). Its properties file holds its password: 0600.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvCredentials } from '../../../system/shared/credentials.ts';
import { CONNECT_GROUP, CONNECT_TOPICS, SCRAM_MECHANISM } from '../kafkaSecurity.ts';
import type { ManagedProcess } from '../local/processes.ts';
import { PROJECT_ROOT } from '../paths.ts';

const LOG4J = join(PROJECT_ROOT, 'scenarios/environment/local/connect/log4j2.properties');

export interface ConnectWorkerSpec {
  /** `<run dir>/system/connect`: properties, secrets, schema history, log, pid file. */
  dir: string;
  /** The resolved jars (local/install.ts ensureConnect). */
  libs: string;
  restPort: number;
  /** The worker's Kafka proxies (one per broker). */
  bootstrap: string[];
  replicationFactor: number;
  credentials: EnvCredentials;
  /** cdc-eos: exactly-once source support (KIP-618) on the worker. */
  exactlyOnce: boolean;
}

export const WORKER_HEAP = '-Xmx256m';
export const workerPropertiesFile = (dir: string) => join(dir, 'worker.properties');
/** The connector's database password, read by Kafka's FileConfigProvider: never in the config topic. */
export const secretsFile = (dir: string) => join(dir, 'secrets.properties');

export function workerProcess(s: Pick<ConnectWorkerSpec, 'dir' | 'libs'>): ManagedProcess {
  return {
    name: 'connect',
    pidFile: join(s.dir, 'pid.json'),
    logFile: join(s.dir, 'worker.log'),
    command: 'java',
    marker: workerPropertiesFile(s.dir),
    args: [
      '-Xms64m',
      WORKER_HEAP,
      '-XX:+UseSerialGC',
      '-XX:MaxMetaspaceSize=256m',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${LOG4J}`,
      '-cp',
      `${s.libs}/*`,
      'org.apache.kafka.connect.cli.ConnectDistributed',
      workerPropertiesFile(s.dir),
    ],
  };
}

/** The worker's properties. Pure. */
export function workerProperties(s: ConnectWorkerSpec): Record<string, string> {
  const sasl = {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': SCRAM_MECHANISM,
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="${s.credentials.kafka.passwords.connect}";`,
  };
  const prefixed = (prefix: string) => Object.fromEntries(Object.entries(sasl).map(([k, v]) => [`${prefix}${k}`, v]));
  const rf = String(s.replicationFactor);
  return {
    'bootstrap.servers': s.bootstrap.join(','),
    'group.id': CONNECT_GROUP,
    'config.storage.topic': CONNECT_TOPICS.config,
    'offset.storage.topic': CONNECT_TOPICS.offset,
    'status.storage.topic': CONNECT_TOPICS.status,
    'config.storage.replication.factor': rf,
    'offset.storage.replication.factor': rf,
    'status.storage.replication.factor': rf,
    // The record key is the stream id and the value the envelope's JSON text, both as the column holds them.
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    listeners: `http://127.0.0.1:${s.restPort}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': String(s.restPort),
    // Every plugin is on the class path; scanning it is all the discovery needed.
    'plugin.discovery': 'only_scan',
    // Source offsets are committed every 5 s (Kafka's default is 60 s): what a crash may
    // re-publish without exactly-once support is what came after the last commit.
    'offset.flush.interval.ms': '5000',
    // A worker that left is not waited for (5 minutes by default): with one worker, a restarted one
    // gets the connector back at once.
    'scheduled.rebalance.max.delay.ms': '0',
    'task.shutdown.graceful.timeout.ms': '5000',
    ...(s.exactlyOnce ? { 'exactly.once.source.support': 'enabled' } : {}),
    'config.providers': 'file',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
    // Durability as the relay's: every record acknowledged by all in-sync replicas.
    'producer.acks': 'all',
    ...sasl,
    ...prefixed('producer.'),
    ...prefixed('consumer.'),
    ...prefixed('admin.'),
  };
}

/** A Java properties file's text (values escaped where Java would read a backslash otherwise). */
export function propertiesText(p: Record<string, string>): string {
  return `${Object.entries(p)
    .map(([k, v]) => `${k}=${v.replaceAll('\\', '\\\\')}`)
    .join('\n')}\n`;
}

/** Writes the worker's properties and the connector's secrets (both 0600). */
export function writeWorkerFiles(s: ConnectWorkerSpec): void {
  mkdirSync(s.dir, { recursive: true, mode: 0o700 });
  const write = (file: string, text: string) => {
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
  };
  write(workerPropertiesFile(s.dir), propertiesText(workerProperties(s)));
  write(secretsFile(s.dir), propertiesText({ 'database.password': s.credentials.mariadb.cdc_connector }));
}
