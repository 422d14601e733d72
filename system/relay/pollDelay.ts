// Adaptive poll: right back when the batch was full (more is waiting), a short pause when some
// work was found, doubling towards `maxMs` while idle. Pure.

export interface PollDelayOptions {
  minMs: number; // pause after a partial batch, and the first idle pause
  maxMs: number; // the idle ceiling: worst-case pickup latency of a lone row
}

export function nextPollDelay(previousMs: number, found: number, batchSize: number, o: PollDelayOptions): number {
  if (found >= batchSize) return 0;
  if (found > 0) return o.minMs;
  return Math.min(o.maxMs, Math.max(o.minMs, previousMs * 2));
}
