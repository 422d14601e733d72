// Authentication and authorisation of the environment's Kafka, the same for every provider:
//
// - Every client listener (the harness's INTERNAL, RELAY, PROJECTOR) and the inter-broker
//   listener (REPLICATION) are SASL_PLAINTEXT with SCRAM-SHA-512: loopback only, behind
//   Toxiproxy's plain TCP proxies, which carry the SASL exchange unchanged. Brokers replicate as
//   the super user `broker`.
// - The controller listener (KRaft quorum: votes, metadata fetches, broker registrations and
//   heartbeats) cannot use SCRAM: SCRAM credentials live in the metadata log the quorum serves.
//   Left PLAINTEXT, its principal would be ANONYMOUS, and the authorizer only lets brokers register
//   when ANONYMOUS is a super user, which would let anyone on the host drive the controllers
//   (Kafka ≥ 3.7 accepts admin requests there, configuration changes among them: KIP-919). So it is SASL/PLAIN with
//   one static principal, `controller` (a super user), whose password is in each node's
//   server.properties (0600).
// - SCRAM credentials are written into the storage at format time (StorageTool --add-scram), so
//   they exist before a broker serves; the StorageTool reads them from a 0600 argument file, never
//   from a command line other users could read.
// - StandardAuthorizer, nothing allowed without an ACL. Super users: broker, controller, harness
//   (the harness creates and deletes topics, reads every topic and group, injects records and
//   creates the ACLs below). The system's principals get least privilege (systemAcls).
import kafkajs, { type Admin } from 'kafkajs';
import { DLQ_TOPIC, TOPIC } from '../../system/shared/events.ts';
import type { KafkaSasl } from '../../system/shared/kafka.ts';
import type { EnvCredentials, KafkaPrincipal } from '../../system/shared/credentials.ts';
import { harnessKafka } from './harnessKafka.ts';
import type { EnvAddresses } from './types.ts';

export const SCRAM_MECHANISM = 'SCRAM-SHA-512';
export const SUPER_USERS: readonly KafkaPrincipal[] = ['broker', 'controller', 'harness'];
/** The principals created as SCRAM credentials (the controller's is PLAIN, in the properties). */
export const SCRAM_PRINCIPALS: readonly KafkaPrincipal[] = [
  'harness',
  'broker',
  'relay',
  'projector',
  'query-api',
  'command-service',
  'connect',
];
/** The consumer group the projector commits as (its KAFKA_GROUP_ID default). */
export const PROJECTOR_GROUP = 'projector';

export function saslOf(creds: EnvCredentials, principal: KafkaPrincipal): KafkaSasl {
  return { mechanism: creds.kafka.mechanism, username: principal, password: creds.kafka.passwords[principal] };
}

/** The settings that hand a system process its principal (read by system/shared/kafka.ts). */
export function kafkaSaslEnv(creds: EnvCredentials, principal: KafkaPrincipal): Record<string, string> {
  return { KAFKA_SASL_MECHANISM: creds.kafka.mechanism, KAFKA_USERNAME: principal, KAFKA_PASSWORD: creds.kafka.passwords[principal] };
}

const jaas = (module: 'scram' | 'plain', fields: Record<string, string>) =>
  `org.apache.kafka.common.security.${module}.${module === 'scram' ? 'ScramLoginModule' : 'PlainLoginModule'} required${Object.entries(
    fields,
  )
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('')};`;

/**
 * Server properties that put SASL on every listener: `listeners` are the SCRAM listeners (the
 * inter-broker one among them), `controller` the KRaft listener's name (SASL/PLAIN).
 */
export function brokerSecurityProperties(
  creds: EnvCredentials,
  o: { listeners: readonly string[]; interBroker: string; controller: string },
): Record<string, string> {
  const pw = creds.kafka.passwords;
  const props: Record<string, string> = {
    'listener.security.protocol.map': [...o.listeners, o.controller].map((l) => `${l}:SASL_PLAINTEXT`).join(','),
    'sasl.enabled.mechanisms': SCRAM_MECHANISM,
    'sasl.mechanism.inter.broker.protocol': SCRAM_MECHANISM,
    'sasl.mechanism.controller.protocol': 'PLAIN',
    [`listener.name.${o.controller.toLowerCase()}.sasl.enabled.mechanisms`]: 'PLAIN',
    // Server side: the one principal it accepts; client side (a node dialling the quorum): who it is.
    [`listener.name.${o.controller.toLowerCase()}.plain.sasl.jaas.config`]: jaas('plain', {
      username: 'controller',
      password: pw.controller,
      user_controller: pw.controller,
    }),
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'false',
    'super.users': SUPER_USERS.map((u) => `User:${u}`).join(';'),
  };
  for (const l of o.listeners) {
    // The inter-broker listener's entry is also what a broker logs in with when it replicates.
    props[`listener.name.${l.toLowerCase()}.scram-sha-512.sasl.jaas.config`] =
      l === o.interBroker ? jaas('scram', { username: 'broker', password: pw.broker }) : jaas('scram', {});
  }
  return props;
}

export const propertyLines = (props: Record<string, string>): string[] => Object.entries(props).map(([k, v]) => `${k}=${v}`);

/** StorageTool format arguments that create every SCRAM principal. */
export function scramFormatArgs(creds: EnvCredentials): string[] {
  return SCRAM_PRINCIPALS.flatMap((p) => ['--add-scram', `${SCRAM_MECHANISM}=[name=${p},password=${creds.kafka.passwords[p]}]`]);
}

// kafkajs is CommonJS: Node does not see these enums as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export interface AclEntry {
  principal: KafkaPrincipal;
  resource: 'topic' | 'group' | 'cluster' | 'transactional-id';
  name: string;
  operation: 'READ' | 'WRITE' | 'DESCRIBE' | 'DESCRIBE_CONFIGS';
  /** `name` is a prefix (default: the exact name). */
  prefixed?: boolean;
}

/** The Kafka Connect worker's group, its internal topics, and the prefix of its transactional ids. */
export const CONNECT_GROUP = 'faultline-connect';
/** The transactional id the leader writes the config topic with under exactly-once support ("connect-cluster-" + group). */
export const CONNECT_LEADER_TRANSACTIONAL_ID = `connect-cluster-${CONNECT_GROUP}`;
export const CONNECT_TOPICS = {
  config: 'faultline-connect-configs',
  offset: 'faultline-connect-offsets',
  status: 'faultline-connect-status',
} as const;

/**
 * The Kafka Connect worker (cdc publish modes): its group, its three internal topics (read, write,
 * and their configs, which it checks are compacted; the harness creates them), the events it
 * publishes, and with exactly-once source support its transactional ids: `connect-cluster-<group>`
 * for the leader's writes to the config topic, `<group>-<connector>-<task>` for a task.
 */
export function connectAcls(topic = TOPIC): AclEntry[] {
  const internal = Object.values(CONNECT_TOPICS);
  return [
    { principal: 'connect', resource: 'group', name: CONNECT_GROUP, operation: 'READ' },
    ...internal.flatMap((name): AclEntry[] => [
      { principal: 'connect', resource: 'topic', name, operation: 'READ' },
      { principal: 'connect', resource: 'topic', name, operation: 'WRITE' },
      { principal: 'connect', resource: 'topic', name, operation: 'DESCRIBE_CONFIGS' },
    ]),
    { principal: 'connect', resource: 'topic', name: topic, operation: 'WRITE' },
    { principal: 'connect', resource: 'transactional-id', name: CONNECT_GROUP, operation: 'WRITE', prefixed: true },
    { principal: 'connect', resource: 'transactional-id', name: CONNECT_GROUP, operation: 'DESCRIBE', prefixed: true },
    { principal: 'connect', resource: 'transactional-id', name: CONNECT_LEADER_TRANSACTIONAL_ID, operation: 'WRITE' },
    { principal: 'connect', resource: 'transactional-id', name: CONNECT_LEADER_TRANSACTIONAL_ID, operation: 'DESCRIBE' },
  ];
}

/**
 * Least privilege for the system's principals. Write on a topic implies Describe on it, and
 * (Kafka ≥ 3.0) the idempotent producer's InitProducerId, so no IdempotentWrite on the cluster;
 * Read implies Describe. The relay publishes events; the command service too (dual-write); the
 * projector reads them, commits as its group and writes dead letters; the query API only looks
 * at the topic's metadata and offsets.
 */
export function systemAcls(o: { topic?: string; dlqTopic?: string; group?: string } = {}): AclEntry[] {
  const topic = o.topic ?? TOPIC;
  return [
    { principal: 'relay', resource: 'topic', name: topic, operation: 'WRITE' },
    { principal: 'command-service', resource: 'topic', name: topic, operation: 'WRITE' },
    { principal: 'projector', resource: 'topic', name: topic, operation: 'READ' },
    { principal: 'projector', resource: 'group', name: o.group ?? PROJECTOR_GROUP, operation: 'READ' },
    { principal: 'projector', resource: 'topic', name: o.dlqTopic ?? DLQ_TOPIC, operation: 'WRITE' },
    { principal: 'query-api', resource: 'topic', name: topic, operation: 'DESCRIBE' },
    ...connectAcls(topic),
  ];
}

/** Creates the ACLs (idempotent: an ACL that exists is left as it is). The admin must be a super user. */
export async function ensureKafkaAcls(admin: Admin, acls: AclEntry[] = systemAcls()): Promise<void> {
  const resourceType = {
    topic: AclResourceTypes.TOPIC,
    group: AclResourceTypes.GROUP,
    cluster: AclResourceTypes.CLUSTER,
    'transactional-id': AclResourceTypes.TRANSACTIONAL_ID,
  };
  await admin.createAcls({
    acl: acls.map((a) => ({
      resourceType: resourceType[a.resource],
      resourceName: a.resource === 'cluster' ? 'kafka-cluster' : a.name,
      resourcePatternType: a.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal: `User:${a.principal}`,
      host: '*',
      operation: AclOperationTypes[a.operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  });
}
/** The system principals' ACLs, created as the harness (a super user) before any system process starts. */
export async function createSystemAcls(addr: EnvAddresses): Promise<void> {
  const admin = harnessKafka(addr, 'faultline-acls', { retry: { retries: 8 } }).admin();
  await admin.connect();
  try {
    await ensureKafkaAcls(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
