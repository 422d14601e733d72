// Creates the system's topics before any process starts: the main topic and its dead-letter
// topic, same partition count, min.insync.replicas = min(2, RF) so acks=all means "on two
// replicas" wherever there are two. Idempotent: existing topics are left as they are.
import { DLQ_TOPIC, TOPIC } from './events.ts';
import { createKafka } from './kafka.ts';

export interface EnsureTopicsOptions {
  brokers: string[];
  partitions?: number;
  replicationFactor: number;
  topics?: string[]; // defaults to [user-events, user-events.dlq]
}

export function topicConfig(replicationFactor: number): { name: string; value: string }[] {
  return [{ name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) }];
}

/** Returns the names it created (empty when all existed). */
export async function ensureTopics(o: EnsureTopicsOptions): Promise<string[]> {
  const partitions = o.partitions ?? 3;
  if (!Number.isInteger(o.replicationFactor) || o.replicationFactor < 1) {
    throw new RangeError(`replicationFactor must be >= 1, got ${o.replicationFactor}`);
  }
  const wanted = o.topics ?? [TOPIC, DLQ_TOPIC];
  const admin = createKafka({ brokers: o.brokers, clientId: 'faultline-topics' }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: o.replicationFactor,
        configEntries: topicConfig(o.replicationFactor),
      })),
    });
    return missing;
  } finally {
    await admin.disconnect();
  }
}
