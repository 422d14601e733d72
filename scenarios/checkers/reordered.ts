import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `reordered`: within a stream, the FIRST application of each version comes after a higher
 * version was already applied. Re-applications (a rewind replaying v1..v3 after v3) are
 * duplicates, not reorderings, so only first applications count.
 */
export function checkReordered(input: CheckInput): CheckResult {
  const highest = new Map<string, { version: number; eventId: string }>();
  const seen = new Set<string>();
  const anomalies: Anomaly[] = [];
  for (const r of input.read.applied) {
    const key = `${r.streamId}\u0000${r.streamVersion}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const top = highest.get(r.streamId);
    if (top && r.streamVersion < top.version) {
      anomalies.push({
        name: 'reordered',
        message: `${r.streamId}: v${r.streamVersion} first applied after v${top.version}`,
        streamId: r.streamId,
        eventId: r.eventId,
        versions: [top.version, r.streamVersion],
        data: { after: top.eventId, partition: r.partition, offset: r.offset },
      });
    } else {
      highest.set(r.streamId, { version: r.streamVersion, eventId: r.eventId });
    }
  }
  return result('reordered', anomalies);
}
