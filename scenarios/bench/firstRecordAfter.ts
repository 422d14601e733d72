// The earliest record appended to a topic at or after a moment, across partitions: the broker
// finds each partition's first offset at that time, and one record per partition is read there.
import type { Kafka } from 'kafkajs';

export async function firstRecordTimeAfter(kafka: Kafka, topic: string, at: Date, timeoutMs = 30_000): Promise<number | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  let starts: { partition: number; offset: string }[];
  try {
    starts = (await admin.fetchTopicOffsetsByTimestamp(topic, at.getTime())).filter((p) => Number(p.offset) >= 0);
  } finally {
    await admin.disconnect();
  }
  const end = await (async () => {
    const a = kafka.admin();
    await a.connect();
    try {
      return new Map((await a.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    } finally {
      await a.disconnect();
    }
  })();
  const wanted = starts.filter((p) => Number(p.offset) < (end.get(p.partition) ?? 0));
  if (wanted.length === 0) return undefined;
  const consumer = kafka.consumer({ groupId: `faultline-bench-first-${Date.now()}` });
  const firsts = new Map<number, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (!firsts.has(partition)) firsts.set(partition, Number(message.timestamp));
          if (firsts.size >= wanted.length) resolve();
        },
      });
    });
    for (const p of wanted) consumer.seek({ topic, partition: p.partition, offset: p.offset });
    await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
  } finally {
    await consumer.disconnect();
  }
  return firsts.size ? Math.min(...firsts.values()) : undefined;
}
