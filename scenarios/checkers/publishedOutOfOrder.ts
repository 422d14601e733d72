import { envelopeOf } from './topicEnvelope.ts';
import { POISON_ID_HEADER, result, type Anomaly, type CheckInput, type CheckResult, type TopicRecord } from './types.ts';

/**
 * `published-out-of-order`: per-stream order on the topic. On each partition, in offset order,
 * the FIRST copy of each of a stream's versions must come after the first copies of its earlier
 * versions. Later copies are re-sends (a relay that died between send and mark): duplicates,
 * judged elsewhere, not reorderings. Records the nemesis put there (poison, injected duplicates,
 * stale or reversed redeliveries, at their recorded partition/offset) are not the system's and
 * are skipped, so an injected reversed pair is never blamed on the publisher.
 */
export function checkPublishedOutOfOrder(input: CheckInput): CheckResult {
  const injected = new Set((input.injections ?? []).map((i) => `${i.partition}:${i.offset}`));
  const byPartition = new Map<number, TopicRecord[]>();
  for (const r of input.topics.events) {
    if (r.headers[POISON_ID_HEADER] !== undefined || injected.has(`${r.partition}:${r.offset}`)) continue;
    byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  }
  const anomalies: Anomaly[] = [];
  for (const [partition, records] of byPartition) {
    const highest = new Map<string, { version: number; offset: string }>(); // per stream: highest first copy so far
    const firstSeen = new Set<string>();
    for (const r of [...records].sort((a, b) => compareOffsets(a.offset, b.offset))) {
      const e = envelopeOf(r.value);
      if (!e) continue; // not an event: the poison and mispartitioned checkers judge it
      const key = `${e.streamId}\u0000${e.streamVersion}`;
      if (firstSeen.has(key)) continue;
      firstSeen.add(key);
      const top = highest.get(e.streamId);
      if (top && e.streamVersion < top.version) {
        anomalies.push({
          name: 'published-out-of-order',
          message: `${e.streamId}: v${e.streamVersion} first published at ${partition}/${r.offset}, after v${top.version} at ${partition}/${top.offset}`,
          streamId: e.streamId,
          ...(e.eventId ? { eventId: e.eventId } : {}),
          versions: [top.version, e.streamVersion],
          data: { partition, offset: r.offset, laterVersionOffset: top.offset },
        });
      } else {
        highest.set(e.streamId, { version: e.streamVersion, offset: r.offset });
      }
    }
  }
  return result('published-out-of-order', anomalies);
}

function compareOffsets(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
