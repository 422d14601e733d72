// The one interface every Kafka client in the comparison is driven through, and the record shape
// they all get: the relay's records (key, JSON value, string headers), each adapter building its
// own client's message objects before its clock starts.
import type { KafkaSasl } from '../../../system/shared/kafka.ts';
import type { Processing } from './processing.ts';

export const CLIENT_NAMES = ['kafkajs', 'platformatic', 'confluent'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

export interface BenchRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface KafkaTarget {
  brokers: string[];
  sasl?: KafkaSasl | undefined;
}

export interface ProduceRun {
  records: number;
  ms: number;
}

export interface ConsumeRun {
  records: number;
  /** First record delivered → the last one processed (group join and first fetch left out). */
  ms: number;
  /** Subscribe → first record delivered: group join and first fetch, reported, not in the rate. */
  firstRecordMs: number;
}

export interface ClientAdapter {
  readonly name: ClientName;
  /** Package and version actually loaded. */
  readonly version: string;
  /** What the settings below guarantee, said next to the figures so the comparison can be judged. */
  readonly guarantees: { produce: string; consume: string };
  /** Warm-up batches unclocked, then `batches` one at a time, each awaited until acknowledged. */
  produceBatches(topic: string, warmup: readonly BenchRecord[][], batches: readonly BenchRecord[][]): Promise<ProduceRun>;
  /** Reads `count` records of `topic` from the beginning (a new group), each through `processing`. */
  consumeAll(topic: string, count: number, processing: Processing): Promise<ConsumeRun>;
}

/** Resolves when `count` records were processed; `firstAt` is stamped by the first delivery. */
export class Countdown {
  firstAt = 0;
  lastAt = 0;
  private seen = 0;
  readonly done: Promise<void>;
  private resolve!: () => void;

  constructor(readonly count: number) {
    this.done = new Promise((r) => (this.resolve = r));
  }

  delivered(): void {
    if (this.firstAt === 0) this.firstAt = performance.now();
  }

  /** True once the count is reached: the caller stops taking records. */
  processed(): boolean {
    if (++this.seen === this.count) {
      this.lastAt = performance.now();
      this.resolve();
    }
    return this.seen >= this.count;
  }

  get finished(): boolean {
    return this.seen >= this.count;
  }
}

/** `done`, or an error naming what did not arrive within `ms`. */
export async function within<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Generous: a run that hangs is a failed run, not a hung bench. */
export const consumeTimeoutMs = (count: number) => 60_000 + count;

export const groupId = (client: ClientName) => `faultline-bench-clients-${client}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/**
 * An eachBatch handler (kafkajs' shape, which the confluent client keeps): every record through
 * `processing`, counted down; records past the count are left alone.
 */
export function countdownBatches(cd: Countdown, processing: Processing) {
  return async ({ batch }: { batch: { messages: ReadonlyArray<{ value: Buffer | null }> } }): Promise<void> => {
    cd.delivered();
    for (const m of batch.messages) {
      if (cd.finished) return;
      const p = processing.record(m.value);
      if (p) await p;
      if (cd.processed()) return;
    }
  };
}
