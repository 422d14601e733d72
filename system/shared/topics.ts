// Creates the system's topics before any process starts: the main topic and its dead-letter
// topic, same partition count, min.insync.replicas = min(2, RF) so acks=all means "on two
// replicas" wherever there are two. Idempotent: existing topics are left as they are, except that
// a dead-letter topic (name ending in `.dlq`) is given its size limit when it lacks it.
import { DLQ_TOPIC, TOPIC } from './events.ts';
import kafkajs, { type Admin } from 'kafkajs';
import { createKafka, type KafkaSasl } from './kafka.ts';

export interface EnsureTopicsOptions {
  brokers: string[];
  /** Who creates them: the harness's principal where the brokers authenticate. */
  sasl?: KafkaSasl | undefined;
  partitions?: number;
  replicationFactor: number;
  topics?: string[]; // defaults to [user-events, user-events.dlq]
}

/**
 * A dead letter is the original record (up to the broker's default limit, about 1 MiB) plus its
 * `kafka_dlt-*` headers: the dead-letter topic takes records of several MiB, so any record the
 * main topic accepted fits. (The projector still cuts a copy that does not fit, see dlqRecord.ts.)
 */
export const DLQ_MAX_MESSAGE_BYTES = 8 * 1024 * 1024; // 8 MiB

export const isDeadLetterTopic = (topic: string): boolean => topic.endsWith('.dlq');

export function topicConfig(replicationFactor: number, topic = ''): { name: string; value: string }[] {
  const entries = [{ name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) }];
  if (isDeadLetterTopic(topic)) entries.push({ name: 'max.message.bytes', value: String(DLQ_MAX_MESSAGE_BYTES) });
  return entries;
}

/** Returns the names it created (empty when all existed). */
export async function ensureTopics(o: EnsureTopicsOptions): Promise<string[]> {
  const partitions = o.partitions ?? 3;
  if (!Number.isInteger(o.replicationFactor) || o.replicationFactor < 1) {
    throw new RangeError(`replicationFactor must be >= 1, got ${o.replicationFactor}`);
  }
  const wanted = o.topics ?? [TOPIC, DLQ_TOPIC];
  const admin = createKafka({ brokers: o.brokers, clientId: 'faultline-topics', sasl: o.sasl }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    await sizeExistingDeadLetterTopics(
      admin,
      wanted.filter((t) => existing.has(t) && isDeadLetterTopic(t)),
      o.replicationFactor,
    );
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: false, // kafkajs' own wait gives up on a broker that has not heard of the topic yet

      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: o.replicationFactor,
        configEntries: topicConfig(o.replicationFactor, topic),
      })),
    });
    await waitForLeaders(admin, missing);
    return missing;
  } finally {
    await admin.disconnect();
  }
}

const LEADERS_TIMEOUT_MS = 60_000;

/**
 * Until every partition of the new topics has a leader. A broker asked just after the creation may
 * not know the topic yet ("does not host this topic-partition") on a loaded machine: asked again.
 */
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  let last: unknown;
  for (;;) {
    try {
      const md = await admin.fetchTopicMetadata({ topics });
      if (md.topics.length === topics.length && md.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        return;
      last = 'a partition without a leader';
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.join(', ')} have no leader for every partition after ${LEADERS_TIMEOUT_MS} ms: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// AlterConfigs replaces a topic's whole set of overrides: the full set is sent again.
// (kafkajs is CommonJS and Node cannot see ConfigResourceTypes as a named export: read it off the default.)
async function sizeExistingDeadLetterTopics(admin: Admin, topics: string[], replicationFactor: number): Promise<void> {
  if (topics.length === 0) return;
  await admin.alterConfigs({
    validateOnly: false,
    resources: topics.map((name) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC,
      name,
      configEntries: topicConfig(replicationFactor, name),
    })),
  });
}
