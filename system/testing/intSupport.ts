// Helpers for the integration tests of the relay, projector, query API and dlq/rebuild commands:
// throwaway schemas and topics on real servers, found via FAULTLINE_IT_* variables, else
// .faultline/env.json, else the developer servers.
import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import mysql from 'mysql2/promise';
import { resolveAddresses } from '../shared/addresses.ts';
import { type DbRole, type EnvCredentials, generateCredentials } from '../shared/credentials.ts';
import { createKafka, idempotentProducerConfig, type KafkaSasl } from '../shared/kafka.ts';
import { migrate } from '../shared/migrate.ts';
import { ensureTopics } from '../shared/topics.ts';

export const servers = resolveAddresses(
  { kafka: 'FAULTLINE_IT_KAFKA', commands: 'FAULTLINE_IT_COMMANDS_URL', queries: 'FAULTLINE_IT_QUERIES_URL' },
  {
    kafkaBrokers: ['127.0.0.1:29050'],
    commandsDbUrl: 'mysql://faultline:faultline@127.0.0.1:29041/',
    queriesDbUrl: 'mysql://faultline:faultline@127.0.0.1:29042/',
  },
);

/**
 * The roles' and principals' passwords: the environment's (`<run dir>/credentials.json`), else
 * (servers named by FAULTLINE_IT_* without a run dir) random ones for this test process, set on
 * the roles by freshSchema.
 */
export const credentials: EnvCredentials = servers.credentials ?? generateCredentials();

/** The harness's Kafka principal where the brokers authenticate (env.json's kafka.sasl). */
export const harnessSasl: KafkaSasl | undefined = servers.kafkaSasl;

/** A system principal's Kafka settings for a process these tests start (the harness's: tests use throwaway topics). */
export function kafkaSettings(): Record<string, string> {
  return harnessSasl
    ? { KAFKA_SASL_MECHANISM: harnessSasl.mechanism, KAFKA_USERNAME: harnessSasl.username, KAFKA_PASSWORD: harnessSasl.password }
    : {};
}

export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

const withPath = (url: string, path: string, user?: DbRole) => {
  const u = new URL(url);
  u.pathname = `/${path}`;
  if (user) {
    u.username = user;
    u.password = encodeURIComponent(credentials.mariadb[user]);
  }
  return u.toString();
};

export interface TestSchema {
  name: string;
  adminUrl: string;
  roleUrl: (role: DbRole) => string;
  admin: mysql.Connection;
  drop(): Promise<void>;
}

/** A fresh schema with `sql/<database>` migrations and grants applied. */
export async function freshSchema(database: 'commands' | 'queries'): Promise<TestSchema> {
  const base = database === 'commands' ? servers.commandsDbUrl : servers.queriesDbUrl;
  const name = uniqueName(database === 'commands' ? 'c_it' : 'q_it');
  await migrate({ adminUrl: base, database, schemaName: name, passwords: credentials.mariadb });
  const adminUrl = withPath(base, name);
  const u = new URL(adminUrl);
  const admin = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: name,
    timezone: 'Z',
  });
  return {
    name,
    adminUrl,
    roleUrl: (role) => withPath(base, name, role),
    admin,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

export function testKafka(clientId = 'it'): Kafka {
  return createKafka({ brokers: servers.kafkaBrokers, clientId, sasl: harnessSasl });
}

const createdTopics: string[] = [];

export async function freshTopics(): Promise<{ topic: string; dlqTopic: string }> {
  const topic = uniqueName('it-events');
  const dlqTopic = `${topic}.dlq`;
  await ensureTopics({ brokers: servers.kafkaBrokers, sasl: harnessSasl, replicationFactor: 1, topics: [topic, dlqTopic] });
  createdTopics.push(topic, dlqTopic);
  return { topic, dlqTopic };
}

/** Deletes the topics this test file created (call in afterAll). */
export async function dropTopics(): Promise<void> {
  if (createdTopics.length === 0) return;
  const admin = testKafka('it-cleanup').admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: createdTopics.splice(0) });
  } finally {
    await admin.disconnect();
  }
}

export interface RawRecord {
  key: string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export async function produce(kafka: Kafka, topic: string, records: RawRecord[]): Promise<void> {
  const p = kafka.producer(idempotentProducerConfig());
  await p.connect();
  try {
    // One send per record keeps the given order for records of one key.
    for (const r of records) await p.send({ topic, acks: -1, messages: [{ key: r.key, value: r.value, headers: r.headers ?? {} }] });
  } finally {
    await p.disconnect();
  }
}

/** Reads a topic from the beginning until `until` is satisfied or the timeout passes. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (msgs: KafkaMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('it-reader') });
  const msgs: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      msgs.push(message);
    },
  });
  try {
    await waitFor(() => until(msgs), { timeoutMs, what: `records on ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return msgs;
}

export async function waitFor(check: () => boolean | Promise<boolean>, o: { timeoutMs?: number; what?: string } = {}): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${o.what ?? 'condition'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A valid event envelope for tests. */
export function envelope(streamId: string, version: number, type: string, payload: object, extra: Record<string, unknown> = {}) {
  return {
    eventId: crypto.randomUUID(),
    streamId,
    streamVersion: version,
    type,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    correlationId: `corr-${streamId.slice(0, 8)}-${version}`,
    causationId: `cmd-${version}`,
    payload,
    ...extra,
  };
}

export const asRecord = (e: { streamId: string }): RawRecord => ({ key: e.streamId, value: JSON.stringify(e) });
