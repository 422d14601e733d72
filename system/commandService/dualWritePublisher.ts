// PUBLISH_MODE=dual-write: the seed's original design, kept on purpose so the harness can show it
// loses events. After the DB commit, the request path publishes the event itself; if the broker
// is unreachable the event is simply gone (no outbox row) while the client was told "ok".
import type { Producer } from 'kafkajs';
import { withDeadline } from '../shared/deadline.ts';
import type { EventEnvelope } from '../shared/events.ts';
import { createKafka, envelopeToMessage, idempotentProducerConfig, type KafkaSasl } from '../shared/kafka.ts';
import { coverageTracker } from '../shared/partitionCoverage.ts';
import type { Logger } from '../shared/logger.ts';

export interface EventPublisher {
  publish(events: EventEnvelope[]): Promise<void>;
  /** Readiness: resolves once connected. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function getDualWritePublisher(o: {
  brokers: string[];
  sasl?: KafkaSasl | undefined;
  topic: string;
  logger: Logger;
  timeoutMs: number;
}): EventPublisher {
  const kafka = createKafka({ brokers: o.brokers, clientId: 'command-service', logger: o.logger, retries: 1, sasl: o.sasl });
  // A send kafkajs resolved without sending a partition counts as a failed publish, not a success.
  const coverage = coverageTracker();
  const producer: Producer = kafka.producer(idempotentProducerConfig({ createPartitioner: coverage.createPartitioner }));
  let connecting: Promise<void> | undefined;
  const connect = () => {
    connecting ??= producer.connect().catch((err: unknown) => {
      connecting = undefined; // try again on the next publish / readiness probe
      throw err;
    });
    return connecting;
  };
  return {
    async publish(events) {
      const sent = (async () => {
        await connect();
        const record = { topic: o.topic, acks: -1, messages: events.map((e) => envelopeToMessage(e)) };
        coverage.check(record, await producer.send(record));
      })();
      await withDeadline(sent, o.timeoutMs, () => new Error(`publish timed out after ${o.timeoutMs} ms`));
    },
    ready: connect,
    close: () => producer.disconnect(),
  };
}
