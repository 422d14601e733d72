// @platformatic/kafka (pure TypeScript), loaded from the install cache. Its consumer is a
// Readable stream that keeps fetching while fewer than highWaterMark messages wait: iterating it
// overlaps fetch with processing by itself.
import { consumeTimeoutMs, Countdown, groupId, within, type ClientAdapter, type KafkaTarget } from './clientApi.ts';

// The few parts of its API used here (it is not a dependency, so its types are not at hand).
interface PlatformaticMessage {
  value: Buffer;
}
interface PlatformaticStream extends AsyncIterable<PlatformaticMessage> {
  close(): Promise<void>;
}
interface PlatformaticModule {
  Producer: new (o: Record<string, unknown>) => {
    send(o: { messages: Record<string, unknown>[] }): Promise<unknown>;
    close(): Promise<void>;
  };
  Consumer: new (o: Record<string, unknown>) => {
    consume(o: Record<string, unknown>): Promise<PlatformaticStream>;
    close(force?: boolean): Promise<void>;
  };
  stringSerializers: unknown;
  compatibilityPartitioner: unknown;
  FetchIsolationLevels: { READ_COMMITTED: number };
}

const HIGH_WATER_MARK = 1024; // its default, stated so the report says what was prefetched

export function platformaticClient(t: KafkaTarget, mod: unknown, version: string): ClientAdapter {
  const k = mod as PlatformaticModule;
  const base = {
    bootstrapBrokers: t.brokers,
    ...(t.sasl ? { sasl: { mechanism: t.sasl.mechanism.toUpperCase(), username: t.sasl.username, password: t.sasl.password } } : {}),
  };
  return {
    name: 'platformatic',
    version,
    guarantees: {
      produce: 'idempotent (which forces 1 request in flight), acks=all (-1), Java-compatible murmur2 partitioner',
      consume: `READ_COMMITTED isolation, async iterator over its stream (highWaterMark ${HIGH_WATER_MARK} messages fetched ahead), no offset commits`,
    },
    async produceBatches(topic, warmup, batches) {
      const producer = new k.Producer({
        ...base,
        clientId: 'faultline-bench-clients-platformatic',
        idempotent: true,
        acks: -1,
        autocreateTopics: false,
        serializers: k.stringSerializers,
        partitioner: k.compatibilityPartitioner,
      });
      const toMessages = (b: readonly { key: string; value: string; headers: Record<string, string> }[]) =>
        b.map((r) => ({ topic, key: r.key, value: r.value, headers: r.headers }));
      try {
        for (const b of warmup) await producer.send({ messages: toMessages(b) });
        const prepared = batches.map(toMessages);
        const started = performance.now();
        for (const messages of prepared) await producer.send({ messages });
        return { records: prepared.reduce((n, b) => n + b.length, 0), ms: performance.now() - started };
      } finally {
        await producer.close();
      }
    },
    async consumeAll(topic, count, processing) {
      const consumer = new k.Consumer({
        ...base,
        clientId: 'faultline-bench-clients-platformatic',
        groupId: groupId('platformatic'),
        isolationLevel: k.FetchIsolationLevels.READ_COMMITTED,
        highWaterMark: HIGH_WATER_MARK,
      });
      const cd = new Countdown(count);
      try {
        const started = performance.now();
        const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
        const read = async () => {
          for await (const m of stream) {
            cd.delivered();
            const p = processing.record(m.value);
            if (p) await p;
            if (cd.processed()) break;
          }
        };
        await within(`platformatic consumed ${count}`, read(), consumeTimeoutMs(count));
        if (!cd.finished) throw new Error(`platformatic: the stream ended after ${processing.processed} of ${count} records`);
        await stream.close().catch(() => undefined); // breaking out of the loop may have closed it already
        return { records: count, ms: cd.lastAt - cd.firstAt, firstRecordMs: cd.firstAt - started };
      } finally {
        await consumer.close(true).catch(() => undefined);
      }
    },
  };
}
