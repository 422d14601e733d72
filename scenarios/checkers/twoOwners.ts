import { result, type Anomaly, type AppliedEventRow, type CheckInput, type CheckResult } from './types.ts';

/**
 * `two-owners`: a partition's old owner still writing after its new owner took over. Each applied
 * row names the projector process that wrote it (APPLIED_BY, instance and pid, so a restarted
 * process is a new owner). On one partition, in log order, an owner's first row orders the owners;
 * a row is a zombie's write when an owner that came LATER had already applied that offset or one
 * past it. A new owner re-applying behind its predecessor is the redelivery at-least-once allows;
 * the reverse is stale work committed over the new owner's. With an inbox no re-applied offset
 * writes a row, so effectively-once never shows it. Rows without a writer or a Kafka position
 * (replays, releases, older runs) say nothing about owners and are skipped.
 */
export function checkTwoOwners(input: CheckInput): CheckResult {
  const anomalies: Anomaly[] = [];
  const partitions = new Map<number, AppliedEventRow[]>();
  for (const r of input.read.applied) {
    if (r.appliedBy === undefined || r.partition < 0) continue;
    partitions.set(r.partition, [...(partitions.get(r.partition) ?? []), r]);
  }
  for (const [partition, rows] of partitions) {
    const order = new Map<string, number>(); // owner → rank of its first row on this partition
    const highest = new Map<string, { offset: bigint; eventId: string }>(); // owner → highest offset it applied
    for (const r of rows) {
      const me = r.appliedBy!;
      if (!order.has(me)) order.set(me, order.size);
      const offset = BigInt(r.offset);
      const later = [...highest].find(([owner, h]) => owner !== me && order.get(owner)! > order.get(me)! && h.offset >= offset);
      if (later) {
        anomalies.push({
          name: 'two-owners',
          message: `partition ${partition}: ${me} applied offset ${r.offset} (${r.streamId} v${r.streamVersion}) after ${later[0]}, which took the partition over later, had applied up to ${later[1].offset}`,
          streamId: r.streamId,
          eventId: r.eventId,
          versions: [r.streamVersion],
          data: { partition, offset: r.offset, zombie: me, newOwner: later[0], newOwnerOffset: String(later[1].offset) },
        });
      }
      if (!highest.has(me) || highest.get(me)!.offset < offset) highest.set(me, { offset, eventId: r.eventId });
    }
  }
  return result('two-owners', anomalies);
}
