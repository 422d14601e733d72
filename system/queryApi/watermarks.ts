// The topic's live high watermarks, read by the query API itself (metadata + ListOffsets through
// a read-only admin client: no writes, no group), so `/projection/status` does not take the
// projector's word for how far behind it is. Each read has a deadline; an answer that does not
// come says why, and the lag is then unknown, never 0. Reads are shared for a moment: a status
// request, a readiness probe and a metrics scrape arriving together cost one broker round trip.
import type { Admin, Kafka } from 'kafkajs';
import { withDeadline } from '../shared/deadline.ts';

export interface PartitionEnds {
  partition: number;
  low: bigint;
  high: bigint;
}

export type Watermarks = { ok: true; partitions: PartitionEnds[] } | { ok: false; reason: string };

export interface WatermarkReader {
  read(): Promise<Watermarks>;
  close(): Promise<void>;
}

/** How long one answer serves the callers that ask next. */
const SHARE_MS = 200;

export function watermarkReader(o: { kafka: Kafka; topic: string; timeoutMs: number }): WatermarkReader {
  let admin: Admin | null = null;
  let inFlight: Promise<Watermarks> | null = null;
  let last: { at: number; value: Watermarks } | null = null;

  async function fetchEnds(): Promise<PartitionEnds[]> {
    if (!admin) {
      const a = o.kafka.admin();
      await a.connect();
      admin = a;
    }
    const offsets = await admin.fetchTopicOffsets(o.topic);
    return offsets
      .map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async function readNow(): Promise<Watermarks> {
    try {
      const partitions = await withDeadline(fetchEnds(), o.timeoutMs, () => new Error(`no broker answer within ${o.timeoutMs} ms`));
      return { ok: true, partitions };
    } catch (err) {
      const a = admin;
      admin = null; // a fresh connection next time: this one may be the cut one
      void a?.disconnect().catch(() => undefined);
      return { ok: false, reason: `high watermarks of ${o.topic} unavailable: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  return {
    read() {
      if (last && Date.now() - last.at < SHARE_MS) return Promise.resolve(last.value);
      inFlight ??= readNow()
        .then((value) => {
          last = { at: Date.now(), value };
          return value;
        })
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    async close() {
      await admin?.disconnect().catch(() => undefined);
      admin = null;
    },
  };
}
