import type { ReadEntry } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `stale-read` (monotonic reads): one reader's successive answers for one stream never go back —
 * the version never drops, a user once found is not 404 later, a deleted user is not live again.
 * Reads come from the history (sampled during the run), ordered by when each answer arrived.
 * One anomaly per reader and stream, with how often it happened.
 */
export function checkStaleRead(input: CheckInput): CheckResult {
  const sessions = new Map<string, ReadEntry[]>();
  for (const r of input.reads ?? []) {
    if (r.status !== 200 && r.status !== 404) continue; // 5xx, timeouts: nothing was read
    const k = `${r.reader}\u0000${r.userId}`;
    const list = sessions.get(k);
    if (list) list.push(r);
    else sessions.set(k, [r]);
  }
  const anomalies: Anomaly[] = [];
  for (const reads of sessions.values()) {
    reads.sort((a, b) => a.t.ms - b.t.ms);
    let best: ReadEntry | undefined; // the furthest state seen so far
    let first: { before: ReadEntry; after: ReadEntry; why: string } | undefined;
    let count = 0;
    for (const r of reads) {
      const why = best ? regression(best, r) : undefined;
      if (why) {
        count++;
        first ??= { before: best!, after: r, why };
      } else if (r.status === 200 && (!best || best.status !== 200 || (r.version ?? 0) >= (best.version ?? 0))) best = r;
    }
    if (!first) continue;
    const { before, after, why } = first;
    anomalies.push({
      name: 'stale-read',
      message: `reader ${after.reader} saw ${after.userId} go back: ${why} (at ${Math.round(before.t.ms)} ms then ${Math.round(after.t.ms)} ms; ${count}× in this session)`,
      streamId: after.userId,
      versions: [before.version, after.version].filter((v): v is number => v !== undefined),
      data: { reader: after.reader, before, after, regressions: count },
    });
  }
  return result('stale-read', anomalies);
}

/** Why `after` shows an earlier state than `before` did, or undefined. */
export function regression(before: ReadEntry, after: ReadEntry): string | undefined {
  if (before.status !== 200) return undefined;
  if (after.status === 404) return `found at v${before.version ?? '?'}, then 404`;
  if (after.version !== undefined && before.version !== undefined && after.version < before.version)
    return `v${before.version} then v${after.version}`;
  if (before.deleted === true && after.deleted === false && (after.version ?? 0) <= (before.version ?? 0))
    return `deleted at v${before.version}, then live at v${after.version}`;
  return undefined;
}
