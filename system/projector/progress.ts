// Is the consumer keeping up? Per partition: lag against the broker's live high watermark, and
// since when the position has not moved while behind. A partition is stalled once it has been
// behind without advancing for `stallAfterMs`. Pure: the monitor feeds it observations.

export interface PartitionObservation {
  partition: number;
  nextOffset: bigint; // the next offset the group will handle
  highWatermark: bigint; // live, from the broker
}

export interface PartitionProgress {
  nextOffset: bigint;
  highWatermark: bigint;
  lag: number;
  /** When it last advanced, or was last caught up (ms epoch). */
  movingAt: number;
  /** Set once behind and not advancing for stallAfterMs. */
  stalledSince: number | null;
}

export function updateProgress(
  prev: ReadonlyMap<number, PartitionProgress>,
  observations: readonly PartitionObservation[],
  now: number,
  stallAfterMs: number,
): Map<number, PartitionProgress> {
  const next = new Map<number, PartitionProgress>();
  for (const o of observations) {
    const before = prev.get(o.partition);
    const lag = o.highWatermark > o.nextOffset ? Number(o.highWatermark - o.nextOffset) : 0;
    const moved = before === undefined || before.nextOffset !== o.nextOffset || lag === 0;
    const movingAt = moved ? now : before.movingAt;
    const stalledSince = !moved && now - movingAt >= stallAfterMs ? (before.stalledSince ?? now) : null;
    next.set(o.partition, { nextOffset: o.nextOffset, highWatermark: o.highWatermark, lag, movingAt, stalledSince });
  }
  return next;
}

/** Why the consumer is not keeping up, or undefined. */
export function stallReason(progress: ReadonlyMap<number, PartitionProgress>, now: number): string | undefined {
  const stalled = [...progress.entries()].filter(([, p]) => p.stalledSince !== null);
  if (stalled.length === 0) return undefined;
  return stalled
    .map(
      ([partition, p]) =>
        `partition ${partition} has not advanced from offset ${p.nextOffset} for ${Math.round((now - p.movingAt) / 1000)} s with ${p.lag} record(s) behind`,
    )
    .join('; ');
}

/**
 * How long the monitor may go without a broker answer before it stops vouching for its lag: the
 * last lag it saw (often 0) is no longer news, and readiness must not rest on it. Shorter than the
 * stall time on purpose: a stall needs evidence, "I cannot tell" does not.
 */
export function blindAfterMs(stallAfterMs: number, intervalMs: number): number {
  return Math.min(stallAfterMs, Math.max(3_000, 3 * intervalMs));
}

/** Why the lag is unknown (no broker answer for blindAfterMs), or undefined. */
export function blindReason(observedAt: number, now: number, blindMs: number): string | undefined {
  const for_ = now - observedAt;
  return for_ >= blindMs ? `lag unknown: the broker has not answered the progress check for ${Math.round(for_ / 1000)} s` : undefined;
}
