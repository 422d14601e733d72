// kafkajs (2.2.4) keeps one answer per broker across a send's internal retries: when a partition's
// leader dies mid-send and the partition moves to a broker that already answered for other
// partitions of the same send, that partition's messages are never sent again, yet the send
// resolves as if they were (producer/sendMessages.js, responsePerBroker). Seen under a leader
// failover: the relay marked rows published that no broker ever had. So every send is checked
// against the partitions its messages were assigned to; one missing from the answer fails the
// send, and the caller sends again (a duplicate at worst, which the inbox absorbs; never a loss).
import { Partitioners, type ICustomPartitioner, type Message, type ProducerRecord, type RecordMetadata } from 'kafkajs';

/** A send resolved without an answer for some partitions its messages went to. */
export class KafkaPartitionSkippedError extends Error {
  override readonly name = 'KafkaPartitionSkippedError';
  readonly retriable = true;
  constructor(readonly skipped: string[]) {
    super(`the send resolved without an answer for ${skipped.join(', ')}: those messages may never have been sent`);
  }
}

export interface CoverageTracker {
  /** Give this to the producer: it partitions as `inner` does and remembers each message's partition. */
  createPartitioner: ICustomPartitioner;
  /** Throws KafkaPartitionSkippedError unless every message's partition answered without an error. */
  check(record: ProducerRecord, answer: readonly RecordMetadata[]): void;
}

export function coverageTracker(inner: ICustomPartitioner = Partitioners.DefaultPartitioner): CoverageTracker {
  // Keyed by the message object kafkajs was handed: the last assignment is the one it sent with.
  const assigned = new WeakMap<Message, number>();
  return {
    createPartitioner: () => {
      const partition = inner();
      return (args) => {
        const p = partition(args);
        assigned.set(args.message, p);
        return p;
      };
    },
    check(record, answer) {
      if (record.acks === 0) return; // no answers to compare: the caller gave up on them
      const answered = new Set(answer.filter((a) => a.errorCode === 0).map((a) => `${a.topicName}-${a.partition}`));
      const skipped = new Set<string>();
      for (const m of record.messages) {
        const p = assigned.get(m);
        const where = p === undefined ? `${record.topic} (no partition chosen)` : `${record.topic}-${p}`;
        if (p === undefined || !answered.has(where)) skipped.add(where);
      }
      if (skipped.size > 0) throw new KafkaPartitionSkippedError([...skipped].sort());
    },
  };
}
