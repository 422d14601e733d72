import type { ReadEntry } from '../history/types.ts';
import { regression } from './staleRead.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `read-behind` (reads in real time): an answer that shows an earlier state of a stream than an
 * answer any reader had already received before this request was sent. The query API reads one
 * database, and each read sees every commit made before it started; so once a version has been
 * answered, every request sent afterwards must see it or a later one. A cache, a replica or a
 * snapshot held across requests breaks this while each reader alone may still look monotonic
 * (`stale-read` judges one reader's session; this judges all readers against each other). Both
 * times are the harness's own clock: the earlier answer's arrival, the later request's send. Reads
 * without a send time (older runs) are not judged. One anomaly per stream, with the count.
 */
export function checkReadBehind(input: CheckInput): CheckResult {
  const byStream = new Map<string, ReadEntry[]>();
  for (const r of input.reads ?? []) {
    if (r.status !== 200 && r.status !== 404) continue; // 5xx, timeouts: nothing was read
    byStream.set(r.userId, [...(byStream.get(r.userId) ?? []), r]);
  }
  const anomalies: Anomaly[] = [];
  for (const [userId, reads] of byStream) {
    const arrived = [...reads].sort((a, b) => a.t.ms - b.t.ms);
    const sent = reads.filter((r) => r.sentMs !== undefined).sort((a, b) => a.sentMs! - b.sentMs!);
    let i = 0;
    let best: ReadEntry | undefined; // the furthest state answered so far
    let first: { before: ReadEntry; after: ReadEntry; why: string } | undefined;
    let count = 0;
    for (const r of sent) {
      for (; i < arrived.length && arrived[i]!.t.ms < r.sentMs!; i++) {
        const a = arrived[i]!;
        if (a.status === 200 && (!best || best.status !== 200 || (a.version ?? 0) >= (best.version ?? 0))) best = a;
        else if (!best) best = a;
      }
      const why = best ? regression(best, r) : undefined;
      if (!why) continue;
      count++;
      first ??= { before: best!, after: r, why };
    }
    if (!first) continue;
    const { before, after, why } = first;
    anomalies.push({
      name: 'read-behind',
      message: `${userId}: reader ${after.reader}'s request sent at ${Math.round(after.sentMs!)} ms was answered ${why}, though reader ${before.reader} had been answered v${before.version ?? '?'} at ${Math.round(before.t.ms)} ms (${count}× for this stream)`,
      streamId: userId,
      versions: [before.version, after.version].filter((v): v is number => v !== undefined),
      data: { before, after, regressions: count },
    });
  }
  return result('read-behind', anomalies);
}
