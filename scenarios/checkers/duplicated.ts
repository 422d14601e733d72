import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `duplicated`: an event applied more than once. The applied log is append-only, so a second
 * application is a second row. APPLIED_COUNT above the number of distinct applied events is
 * reported too, for a projector that counted a re-application without logging it.
 */
export function checkDuplicated(input: CheckInput): CheckResult {
  const byEvent = new Map<string, (typeof input.read.applied)[number][]>();
  for (const r of input.read.applied) byEvent.set(r.eventId, [...(byEvent.get(r.eventId) ?? []), r]);
  const anomalies: Anomaly[] = [];
  const streamsWithDup = new Set<string>();
  for (const [eventId, rows] of byEvent) {
    if (rows.length < 2) continue;
    const first = rows[0]!;
    streamsWithDup.add(first.streamId);
    anomalies.push({
      name: 'duplicated',
      message: `event ${eventId} (${first.streamId} v${first.streamVersion}) applied ${rows.length} times`,
      streamId: first.streamId,
      eventId,
      versions: rows.map((r) => r.streamVersion),
      data: {
        count: rows.length,
        evidence: 'applied-log',
        at: rows.map((r) => ({ partition: r.partition, offset: r.offset, appliedAt: r.appliedAt })),
      },
    });
  }
  const distinctPerStream = new Map<string, number>();
  for (const [, rows] of byEvent) distinctPerStream.set(rows[0]!.streamId, (distinctPerStream.get(rows[0]!.streamId) ?? 0) + 1);
  for (const u of input.read.users) {
    const distinct = distinctPerStream.get(u.idUserData) ?? 0;
    if (u.appliedCount > distinct && !streamsWithDup.has(u.idUserData))
      anomalies.push({
        name: 'duplicated',
        message: `${u.idUserData}: APPLIED_COUNT ${u.appliedCount} > ${distinct} distinct applied events`,
        streamId: u.idUserData,
        data: { appliedCount: u.appliedCount, distinctApplied: distinct, evidence: 'applied-count' },
      });
  }
  return result('duplicated', anomalies);
}
