// Watches the consumer from outside its loop, on a timer, so a loop that hangs is still seen:
// the broker's live high watermarks against the group's position (committed offsets, or further
// when the loop has handled more in memory) give the lag; progress.ts decides what is stalled.
// A monitor that gets no answer from the broker (a partition leader just died, the link is cut)
// does not keep reporting its last lag as current: past blindAfterMs it says the lag is unknown
// (stalled gauge 1, readiness down) until an answer comes. Each observation has a deadline, so a
// broker request kafkajs keeps retrying cannot freeze the view either.
// Each tick also refreshes the parked / dead-letter gauges, and writes the view to
// `projector_health` for the query API (best effort: a database that does not answer does not
// stop the gauges and the readiness check, which live in this process).
import type { Admin, Kafka } from 'kafkajs';
import type { RowDataPacket } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import { withDeadline } from '../shared/deadline.ts';
import type { Logger } from '../shared/logger.ts';
import type { ProjectorMetrics } from './metrics.ts';
import { describeError } from './poison.ts';
import { blindAfterMs, blindReason, stallReason, updateProgress, type PartitionObservation, type PartitionProgress } from './progress.ts';

export interface ProgressMonitorOptions {
  kafka: Kafka;
  pool: Pool;
  groupId: string;
  topic: string;
  stallAfterMs: number;
  intervalMs: number;
  /** Next offset per partition as the loop knows it (ahead of the committed one mid-chunk). */
  positions: () => ReadonlyMap<number, bigint>;
  metrics: ProjectorMetrics;
  logger: Logger;
}

export interface ProgressMonitor {
  /** Why the projector is not keeping up, or undefined. */
  stalled(): string | undefined;
  progress(): ReadonlyMap<number, PartitionProgress>;
  stop(): Promise<void>;
}

const DB_TIMEOUT_MS = 2_000;
/** An observation (two admin requests) that took longer than this has failed. */
const OBSERVE_DEADLINE_MS = 2_000;

export function startProgressMonitor(o: ProgressMonitorOptions): ProgressMonitor {
  let admin: Admin | null = null;
  let progress = new Map<number, PartitionProgress>();
  let busy = false;
  let stopped = false;
  let observedAt = Date.now(); // last broker answer (the start counts as one)
  const blindMs = blindAfterMs(o.stallAfterMs, o.intervalMs);
  const reason = (now: number) => {
    const reasons = [blindReason(observedAt, now, blindMs), stallReason(progress, now)].filter((r) => r !== undefined);
    return reasons.length === 0 ? undefined : reasons.join('; ');
  };

  async function observe(): Promise<PartitionObservation[]> {
    if (!admin) {
      const a = o.kafka.admin();
      await a.connect();
      admin = a;
    }
    const [offsets, committed] = await Promise.all([
      admin.fetchTopicOffsets(o.topic),
      admin.fetchOffsets({ groupId: o.groupId, topics: [o.topic] }),
    ]);
    const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
    const inMemory = o.positions();
    return offsets.map((p) => {
      const low = BigInt(p.low);
      const candidates = [low, byPartition.get(p.partition) ?? -1n, inMemory.get(p.partition) ?? -1n];
      const nextOffset = candidates.reduce((a, b) => (b > a ? b : a));
      return { partition: p.partition, nextOffset, highWatermark: BigInt(p.high) };
    });
  }

  async function tick(): Promise<void> {
    try {
      const seen = await withDeadline(observe(), OBSERVE_DEADLINE_MS, () => new Error(`no broker answer within ${OBSERVE_DEADLINE_MS} ms`));
      progress = updateProgress(progress, seen, Date.now(), o.stallAfterMs);
      observedAt = Date.now();
    } catch (err) {
      o.logger.debug({ err: describeError(err) }, 'progress check: broker not reachable');
      await admin?.disconnect().catch(() => undefined);
      admin = null;
    }
    for (const [partition, p] of progress) o.metrics.lag.set({ partition: String(partition) }, p.lag);
    o.metrics.stalled.set(reason(Date.now()) === undefined ? 0 : 1);
    await Promise.all([writeHealth(o, progress, new Date(observedAt)), refreshGauges(o)]).catch((err: unknown) =>
      o.logger.debug({ err: describeError(err) }, 'progress check: database not reachable'),
    );
  }

  const timer = setInterval(() => {
    if (stopped) return;
    if (busy) {
      o.metrics.stalled.set(reason(Date.now()) === undefined ? 0 : 1); // a slow tick is not stacked, but the gauge still tells
      return;
    }
    busy = true;
    void tick().finally(() => {
      busy = false;
    });
  }, o.intervalMs);
  timer.unref();

  return {
    stalled: () => reason(Date.now()),
    progress: () => progress,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await admin?.disconnect().catch(() => undefined);
    },
  };
}

/** `checkedAt`: when the broker last answered, so a row the monitor could not refresh says how old it is. */
async function writeHealth(o: ProgressMonitorOptions, progress: ReadonlyMap<number, PartitionProgress>, checkedAt: Date): Promise<void> {
  if (progress.size === 0) return;
  const rows = [...progress.entries()].map(([partition, p]) => [
    o.groupId,
    o.topic,
    partition,
    p.nextOffset.toString(),
    p.highWatermark.toString(),
    p.lag,
    p.stalledSince === null ? null : new Date(p.stalledSince),
    checkedAt,
  ]);
  await o.pool.query({
    sql: `INSERT INTO projector_health (group_id, topic, kafka_partition, next_offset, high_watermark, lag, stalled_since, checked_at) VALUES ?
          ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset), high_watermark = VALUES(high_watermark), lag = VALUES(lag),
            stalled_since = VALUES(stalled_since), checked_at = VALUES(checked_at)`,
    values: [rows],
    timeout: DB_TIMEOUT_MS,
  });
}

async function refreshGauges(o: ProgressMonitorOptions): Promise<void> {
  const [rows] = await o.pool.query<RowDataPacket[]>({
    sql: `SELECT COUNT(*) AS parked, COALESCE(SUM(reason = 'gap'), 0) AS gaps,
                 COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(parked_at), CURRENT_TIMESTAMP(6)), 0) AS oldest_us,
                 (SELECT COUNT(*) FROM dead_letters WHERE status = 'open') AS open_dl
            FROM parked_events WHERE released_at IS NULL`,
    timeout: DB_TIMEOUT_MS,
  });
  const r = rows[0];
  o.metrics.parkedNow.set(Number(r?.parked ?? 0));
  o.metrics.parkedGaps.set(Number(r?.gaps ?? 0));
  o.metrics.parkedOldestAgeSeconds.set(Number(r?.oldest_us ?? 0) / 1e6);
  o.metrics.openDeadLetters.set(Number(r?.open_dl ?? 0));
}
