// Apache Kafka in KRaft mode, combined broker+controller, 1 or 3 nodes. Each client role gets
// its own listener advertised as its own Toxiproxy port, so the relay, the projector and the
// Kafka Connect worker (cdc publish modes) can be cut off separately and a client that
// re-resolves the advertised address stays behind its proxy. Replication (REPLICATION, the inter-broker listener) is advertised as each broker's own
// replication proxy, so the others' fetches from one broker can be cut; the controller quorum
// (CONTROLLER) and the harness's direct listener (INTERNAL) never cross a proxy. Every listener
// authenticates (../kafkaSecurity.ts): SCRAM on the client and replication listeners, PLAIN on
// the controller's.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { EnvCredentials } from '../../../system/shared/credentials.ts';
import type { KafkaSasl } from '../../../system/shared/kafka.ts';
import { brokerJvmOptions, classArchiveOption, formatStorage } from './kafkaClassArchive.ts';
import { brokerSecurityProperties, propertyLines, scramFormatArgs } from '../kafkaSecurity.ts';
import type { PortLayout } from '../ports.ts';
import { type ManagedProcess, readPid, StartError, startProcess } from './processes.ts';

export interface KafkaSpec {
  brokers: number;
  ports: PortLayout;
  dir: string; // <runDir>/kafka
  libs: string;
  /** The environment's credentials: the brokers' own, and the SCRAM principals formatted into storage. */
  credentials?: EnvCredentials;
}

const nodeDir = (s: KafkaSpec, b: number) => join(s.dir, `broker-${b + 1}`);

/** Where node b records the KRaft leader it follows (see ../quorum.ts). */
export const quorumStateFile = (kafkaDir: string, b: number): string =>
  join(kafkaDir, `broker-${b + 1}`, 'data', '__cluster_metadata-0', 'quorum-state');

/** Smaller heaps when three brokers share the machine. */
export const brokerHeap = (brokers: number): string => (brokers > 1 ? '-Xmx384m' : '-Xmx512m');

export function brokerProcess(s: KafkaSpec, b: number): ManagedProcess {
  const dir = nodeDir(s, b);
  const heap = brokerHeap(s.brokers);
  return {
    name: `kafka-${b + 1}`,
    pidFile: join(dir, 'pid.json'),
    logFile: join(dir, 'server.log'),
    command: 'java',
    marker: join(dir, 'server.properties'),
    args: [...brokerJvmOptions(heap), ...classArchiveOption(s.libs), '-cp', `${s.libs}/*`, 'kafka.Kafka', join(dir, 'server.properties')],
  };
}

/**
 * How long a follower may fail to fetch before the leader drops it from the ISR. Kafka's 30 s
 * default would make a replication cut take half a minute to be felt; 8 s still tolerates a
 * loaded 2-core machine's pauses (a spurious shrink only blocks acks=all writes for a moment).
 */
export const REPLICA_LAG_TIME_MAX_MS = 8000;

/** How long the controller waits for a silent broker's heartbeat before fencing it. */
export const BROKER_SESSION_TIMEOUT_MS = 4000;

export function brokerProperties(s: KafkaSpec, b: number, credentials: EnvCredentials): string {
  const p = s.ports;
  const voters = Array.from({ length: s.brokers }, (_, i) => `${i + 1}@127.0.0.1:${p.kafka.controller(i)}`).join(',');
  const rf = Math.min(s.brokers, 3);
  const minIsr = rf >= 3 ? 2 : 1;
  return [
    'process.roles=broker,controller',
    `node.id=${b + 1}`,
    `controller.quorum.voters=${voters}`,
    `listeners=INTERNAL://127.0.0.1:${p.kafka.internal(b)},REPLICATION://127.0.0.1:${p.kafka.replication(b)},` +
      `CONTROLLER://127.0.0.1:${p.kafka.controller(b)},` +
      `RELAY://127.0.0.1:${p.kafka.relay(b)},PROJECTOR://127.0.0.1:${p.kafka.projector(b)},CONNECT://127.0.0.1:${p.kafka.connect(b)}`,
    // Every listener but INTERNAL (the harness's) advertises its proxy's port: metadata sends each
    // client, and each follower fetching from this broker, back through it.
    `advertised.listeners=INTERNAL://127.0.0.1:${p.kafka.internal(b)},REPLICATION://127.0.0.1:${p.proxies.replicationKafka(b)},` +
      `RELAY://127.0.0.1:${p.proxies.relayKafka(b)},PROJECTOR://127.0.0.1:${p.proxies.projectorKafka(b)},` +
      `CONNECT://127.0.0.1:${p.proxies.connectKafka(b)}`,
    'inter.broker.listener.name=REPLICATION',
    'controller.listener.names=CONTROLLER',
    ...propertyLines(
      brokerSecurityProperties(credentials, {
        listeners: ['INTERNAL', 'REPLICATION', 'RELAY', 'PROJECTOR', 'CONNECT'],
        interBroker: 'REPLICATION',
        controller: 'CONTROLLER',
      }),
    ),
    `log.dirs=${join(nodeDir(s, b), 'data')}`,
    'num.partitions=3',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${minIsr}`,
    // An out-of-sync replica never becomes leader: losing acked writes is not an option we test.
    'unclean.leader.election.enable=false',
    `replica.lag.time.max.ms=${REPLICA_LAG_TIME_MAX_MS}`,
    // A SIGKILLed broker is fenced (its partitions get new leaders) after this, not Kafka's 9 s: a
    // leader killed for a few seconds would otherwise come back before any failover happened.
    `broker.session.timeout.ms=${BROKER_SESSION_TIMEOUT_MS}`,
    'broker.heartbeat.interval.ms=1000',
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=5', // 50 by default: slow to create on 2 cores
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${minIsr}`,
    'transaction.state.log.num.partitions=5',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

/** 22 base64url chars, what StorageTool expects. */
export function clusterId(random: () => Buffer = () => randomBytes(16)): string {
  return random().toString('base64url');
}

function format(s: KafkaSpec, b: number, id: string, credentials: EnvCredentials): Promise<void> {
  return formatStorage(s.libs, join(nodeDir(s, b), 'server.properties'), id, scramFormatArgs(credentials)).catch((err: Error) => {
    throw new StartError(`kafka-${b + 1}`, err.message);
  });
}

/** Starts every broker not running; formats fresh storage when none has any. */
export async function startKafka(s: KafkaSpec): Promise<number[]> {
  const procs = Array.from({ length: s.brokers }, (_, b) => brokerProcess(s, b));
  const formatted = (b: number) => existsSync(join(nodeDir(s, b), 'data', 'meta.properties'));
  if (!procs.some((_, b) => formatted(b))) {
    const credentials = s.credentials;
    if (!credentials) throw new StartError('kafka-1', 'no credentials to format the brokers with');
    const id = clusterId();
    await Promise.all(
      procs.map((_, b) => {
        mkdirSync(nodeDir(s, b), { recursive: true, mode: 0o700 });
        // It holds the broker's and the controller quorum's passwords.
        const file = join(nodeDir(s, b), 'server.properties');
        writeFileSync(file, brokerProperties(s, b, credentials), { mode: 0o600 });
        chmodSync(file, 0o600);
        return format(s, b, id, credentials);
      }),
    );
  }
  return procs.map((p) => readPid(p) ?? startProcess(p));
}

/** Ready = the cluster answers through the given (proxied) bootstrap with every broker registered. */
export async function kafkaReady(bootstrap: string[], brokers: number, sasl?: KafkaSasl): Promise<boolean> {
  return (await registeredBrokers(bootstrap, 0, sasl)).size === brokers;
}

/** Node ids the cluster reports as registered (via any reachable bootstrap), asked as `sasl`'s principal. */
export async function registeredBrokers(bootstrap: string[], retries = 1, sasl?: KafkaSasl): Promise<Set<number>> {
  const admin = new Kafka({
    clientId: 'faultline-env',
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 3000,
    retry: { retries },
    ...(sasl ? { sasl: sasl as SASLOptions } : {}),
  }).admin();
  try {
    await admin.connect();
    return new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
