import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/** A database time ('YYYY-MM-DD HH:MM:SS[.ffffff]' or ISO) as a key that sorts to the microsecond. */
export function timeKey(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z?$/.exec(t.trim());
  if (!m) throw new Error(`not a database time: ${JSON.stringify(t)}`);
  return `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(6, '0')}`;
}

/**
 * `parked-duplicate`: an event parked (behind a dead letter or a gap) at a time when the read model
 * had already applied it. Effectively-once recognises a known event by its inbox first and drops
 * it, even on a blocked stream; parking it means the inbox was not consulted, and the event is
 * held (and counted as pending) until an operator resolves the stream. Modes without an inbox
 * park such duplicates by design, so only effectively-once is judged (a run that does not say its
 * mode is judged as one). Reads the whole park log (released rows too); a run recorded without it
 * has nothing to say.
 */
export function checkParkedDuplicate(input: CheckInput): CheckResult {
  if (input.consumeMode !== undefined && input.consumeMode !== 'effectively-once') return result('parked-duplicate', []);
  const firstApplied = new Map<string, string>();
  for (const a of input.read.applied) {
    const k = timeKey(a.appliedAt);
    const prev = firstApplied.get(a.eventId);
    if (prev === undefined || k < prev) firstApplied.set(a.eventId, k);
  }
  const anomalies: Anomaly[] = [];
  for (const p of input.read.parkLog ?? []) {
    const applied = firstApplied.get(p.eventId);
    if (applied === undefined || timeKey(p.parkedAt) <= applied) continue;
    anomalies.push({
      name: 'parked-duplicate',
      message: `${p.streamId} v${p.streamVersion}: event ${p.eventId} parked (${p.reason}) at ${p.parkedAt}, after it was applied at ${applied}${p.outcome ? `; released as ${p.outcome}` : '; still parked'}`,
      streamId: p.streamId,
      eventId: p.eventId,
      versions: [p.streamVersion],
      data: { reason: p.reason, parkedAt: p.parkedAt, appliedAt: applied, outcome: p.outcome, partition: p.partition, offset: p.offset },
    });
  }
  return result('parked-duplicate', anomalies);
}
