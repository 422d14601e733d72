// Kafka's authentication and ACLs on the running environment (kafkaSecurity.ts): nobody gets in
// without credentials, on any listener, and each system principal has its own rights only.
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { credentialsFileOf, type EnvCredentials, type KafkaPrincipal, readCredentials } from '../../system/shared/credentials.ts';
import { DLQ_TOPIC, TOPIC } from '../../system/shared/events.ts';
import { ensureTopics } from '../../system/shared/topics.ts';
import { harnessKafka } from './harnessKafka.ts';
import { PROJECTOR_GROUP, saslOf } from './kafkaSecurity.ts';
import { runDir } from './paths.ts';
import { requireState } from './state.ts';

const env = requireState();
let loaded: EnvCredentials | undefined;
/** The system principals' passwords (read when a test needs them: the first test needs none). */
const creds = (): EnvCredentials => {
  loaded ??= readCredentials(credentialsFileOf(runDir()));
  if (!loaded) throw new Error(`${credentialsFileOf(runDir())} is missing: the environment has no credentials`);
  return loaded;
};

const client = (brokers: string[], auth: Pick<KafkaConfig, 'sasl'>, clientId = 'auth-it') =>
  new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
    ...auth,
  });
const as = (principal: KafkaPrincipal, brokers = env.kafka.internal) =>
  client(brokers, { sasl: saslOf(creds(), principal) as SASLOptions }, `auth-it-${principal}`);

/**
 * A client whose kafkajs debug log is kept: kafkajs reports a refused coordinator lookup only as
 * "Failed to find group coordinator"; the broker's answer (its error type) is in the log.
 */
function logged(principal: KafkaPrincipal, brokers: string[]): { kafka: Kafka; errorTypes: string[] } {
  const errorTypes: string[] = [];
  const kafka = new Kafka({
    clientId: `auth-it-${principal}-logged`,
    brokers,
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      const e = (entry.log as { error?: { type?: string } }).error;
      if (e?.type) errorTypes.push(e.type);
    },
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
    sasl: saslOf(creds(), principal) as SASLOptions,
  });
  return { kafka, errorTypes };
}

/** Every message and error type down kafkajs' chain of wrapped errors, for the assertions. */
function errorChain(err: unknown): string {
  const parts: string[] = [];
  let e = err as { message?: string; type?: string; originalError?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 10; depth++) {
    parts.push(`${e.type ?? ''} ${e.message ?? ''}`);
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return parts.join(' | ');
}

async function endOffsets(topic: string): Promise<string[]> {
  const admin = harnessKafka(env, 'auth-it-offsets').admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => p.high);
  } finally {
    await admin.disconnect();
  }
}

describe('kafka authentication and ACLs', () => {
  beforeAll(async () => {
    await ensureTopics({ brokers: env.kafka.internal, sasl: env.kafka.sasl, replicationFactor: Math.min(env.kafka.brokers, 3) });
  }, 60_000);

  it('refuses a produce without authentication on a client listener (through its proxy) and on the harness listener', async () => {
    // Its own topic: the events topic may be dropped and re-created meanwhile by another test's wipe.
    const topic = `auth-it-${Date.now().toString(36)}`;
    await ensureTopics({ brokers: env.kafka.internal, sasl: env.kafka.sasl, replicationFactor: 1, partitions: 1, topics: [topic] });
    try {
      for (const brokers of [env.kafka.relay, env.kafka.projector, env.kafka.internal]) {
        const producer = client(brokers, {}, 'auth-it-anonymous').producer({ allowAutoTopicCreation: false });
        try {
          await expect(
            (async () => {
              await producer.connect();
              await producer.send({ topic, acks: -1, messages: [{ key: 'forged', value: '{"type":"UserRegistered"}' }] });
            })(),
            `an unauthenticated produce via ${brokers.join(',')}`,
          ).rejects.toThrow();
        } finally {
          await producer.disconnect().catch(() => undefined);
        }
      }
      expect(await endOffsets(topic)).toEqual(['0']);
    } finally {
      const admin = harnessKafka(env, 'auth-it-cleanup').admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60_000);

  it("refuses the relay's credentials on the projector's group: no join, no offset read or commit", async () => {
    // Control: the projector itself reads its group's offsets (so the refusal below is the ACL's).
    const projector = as('projector', env.kafka.projector).admin();
    await projector.connect();
    try {
      await projector.fetchOffsets({ groupId: PROJECTOR_GROUP });
    } finally {
      await projector.disconnect();
    }

    const relay = logged('relay', env.kafka.relay);
    const relayAdmin = relay.kafka.admin();
    await relayAdmin.connect();
    try {
      await expect(relayAdmin.fetchOffsets({ groupId: PROJECTOR_GROUP })).rejects.toThrow();
      const commit = relayAdmin.setOffsets({ groupId: PROJECTOR_GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '0' }] });
      await expect(commit).rejects.toThrow();
    } finally {
      await relayAdmin.disconnect();
    }
    expect(relay.errorTypes).toContain('GROUP_AUTHORIZATION_FAILED');

    // A consumer joining as the projector's group with the relay's credentials crashes, never gets a partition.
    const joining = logged('relay', env.kafka.relay);
    const consumer = joining.kafka.consumer({ groupId: PROJECTOR_GROUP, retry: { retries: 1 } });
    const crashed = new Promise<unknown>((resolve) => consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)));
    let assigned = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
    try {
      const outcome = (async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
        await consumer.run({ eachMessage: async () => undefined });
        return crashed;
      })();
      const error = await Promise.race([outcome.catch((e: unknown) => e), new Promise((r) => setTimeout(() => r('no crash'), 30_000))]);
      expect(error).not.toBe('no crash');
      expect(errorChain(error)).toMatch(/authoriz|coordinator/i);
      expect(joining.errorTypes).toContain('GROUP_AUTHORIZATION_FAILED');
      expect(assigned).toBe(false);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }, 90_000);

  it('gives each system principal its own rights only', async () => {
    // The relay's idempotent producer gets its producer id (Write on the topic implies it), but
    // the relay may not write dead letters.
    const relay = as('relay', env.kafka.relay).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    try {
      await relay.connect();
      await expect(relay.send({ topic: DLQ_TOPIC, acks: -1, messages: [{ key: 'k', value: 'x' }] })).rejects.toThrow(/authoriz/i);
    } finally {
      await relay.disconnect().catch(() => undefined);
    }
    // The query API sees the topic's offsets and cannot write to it.
    const queryApi = as('query-api');
    const admin = queryApi.admin();
    await admin.connect();
    try {
      // Retried: the topic may be re-created by another test's wipe meanwhile (a leader not yet known).
      let partitions = 0;
      for (let attempt = 1; partitions === 0; attempt++) {
        try {
          partitions = (await admin.fetchTopicOffsets(TOPIC)).length;
        } catch (err) {
          if (attempt >= 10 || /authoriz/i.test(errorChain(err))) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      expect(partitions).toBeGreaterThan(0);
    } finally {
      await admin.disconnect();
    }
    const qp = queryApi.producer({ allowAutoTopicCreation: false });
    try {
      await qp.connect();
      await expect(qp.send({ topic: TOPIC, acks: -1, messages: [{ key: 'k', value: 'x' }] })).rejects.toThrow(/authoriz/i);
    } finally {
      await qp.disconnect().catch(() => undefined);
    }
    // Nobody but the harness creates topics.
    const projectorAdmin = as('projector').admin();
    await projectorAdmin.connect();
    try {
      await expect(projectorAdmin.createTopics({ topics: [{ topic: `auth-it-${Date.now()}` }] })).rejects.toThrow();
    } finally {
      await projectorAdmin.disconnect();
    }
  }, 60_000);

  it('refuses a wrong password', async () => {
    const admin = client(env.kafka.internal, {
      sasl: { mechanism: 'scram-sha-512', username: 'harness', password: `${creds().kafka.passwords.harness}x` },
    }).admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow(/authentication/i);
    await admin.disconnect().catch(() => undefined);
  }, 30_000);
});
