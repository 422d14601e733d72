import { timeKey } from './parkedDuplicate.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `dead-letter-overtaken`: an event applied from the topic while its stream had an open dead letter
 * (one that blocks the stream) at the event's version or an earlier one. The sequenced DLQ must park
 * every later record of the stream, its own redelivery included, until an operator replays or
 * discards the dead letter; what then applies is written as a replay or a release, without a Kafka
 * position. An overtaking event usually leaves no trace in the final read model (a forged dead
 * letter is discarded anyway; a replay in order repairs a valid one), so this is judged on times:
 * the applied row's applied_at strictly inside [created_at, resolved_at) of the dead letter, both
 * written by the queries database. A dead letter with no readable version holds back every version.
 * A run recorded without the dead_letters table has nothing to say.
 */
export function checkDeadLetterOvertaken(input: CheckInput): CheckResult {
  const byStream = new Map<string, { version: number | null; id: number; from: string; until: string | null }[]>();
  for (const d of input.read.deadLetters ?? []) {
    if (!d.blocksStream || d.streamId === null) continue;
    const open = {
      version: d.streamVersion,
      id: d.id,
      from: timeKey(d.createdAt),
      until: d.resolvedAt === null ? null : timeKey(d.resolvedAt),
    };
    byStream.set(d.streamId, [...(byStream.get(d.streamId) ?? []), open]);
  }
  const anomalies: Anomaly[] = [];
  for (const a of input.read.applied) {
    if (a.partition < 0) continue; // a replay or a release: how a dead letter is resolved
    const at = timeKey(a.appliedAt);
    const held = (byStream.get(a.streamId) ?? []).find(
      (d) => (d.version === null || a.streamVersion >= d.version) && at > d.from && (d.until === null || at < d.until),
    );
    if (!held) continue;
    anomalies.push({
      name: 'dead-letter-overtaken',
      message: `${a.streamId} v${a.streamVersion}: event ${a.eventId} applied from partition ${a.partition} offset ${a.offset} at ${a.appliedAt}, while dead letter #${held.id} (v${held.version ?? '?'}) held the stream`,
      streamId: a.streamId,
      eventId: a.eventId,
      versions: held.version === null ? [a.streamVersion] : [held.version, a.streamVersion],
      data: {
        deadLetter: held.id,
        appliedAt: a.appliedAt,
        partition: a.partition,
        offset: a.offset,
        openFrom: held.from,
        openUntil: held.until,
      },
    });
  }
  return result('dead-letter-overtaken', anomalies);
}
