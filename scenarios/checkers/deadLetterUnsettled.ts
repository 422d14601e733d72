import { timeKey } from './parkedDuplicate.ts';
import { result, type Anomaly, type CheckInput, type CheckResult, type DeadLetterLogRow } from './types.ts';

/**
 * `dead-letter-unsettled`: in the end state, a dead letter whose status contradicts what was
 * applied. The status is what an operator acts on (`dlq list` shows the open ones), so it must say
 * what happened:
 * - an open dead letter (one that blocks its stream) whose own event was applied after it was
 *   created, or a later version of its stream was: the record was dealt with but the dead letter
 *   still claims to hold the stream (a replay that applied without resolving it);
 * - a replayed dead letter whose event was never applied at all: it says the event was re-applied,
 *   and the read model has no trace of it.
 * Only the queries database's own rows are compared (applied_events against dead_letters, times
 * both written by that server). A dead letter with no readable event or version has nothing to
 * compare. A run recorded without the dead_letters table has nothing to say.
 */
export function checkDeadLetterUnsettled(input: CheckInput): CheckResult {
  const applied = input.read.applied;
  const byEvent = new Set(applied.map((a) => a.eventId));
  const anomalies: Anomaly[] = [];
  const flag = (d: DeadLetterLogRow, message: string, data: Record<string, unknown>, versions: number[]) =>
    anomalies.push({
      name: 'dead-letter-unsettled',
      message: `dead letter #${d.id} (${d.status}, ${d.streamId ?? '?'} v${d.streamVersion ?? '?'}): ${message}`,
      ...(d.streamId !== null ? { streamId: d.streamId } : {}),
      ...(d.eventId !== null ? { eventId: d.eventId } : {}),
      versions,
      data: { deadLetter: d.id, status: d.status, ...data },
    });
  for (const d of input.read.deadLetters ?? []) {
    if (d.status === 'open' && d.blocksStream && d.streamId !== null) {
      const since = timeKey(d.createdAt);
      const after = applied.find(
        (a) =>
          a.streamId === d.streamId &&
          timeKey(a.appliedAt) > since &&
          (a.eventId === d.eventId || (d.streamVersion !== null && a.streamVersion >= d.streamVersion)),
      );
      if (after) {
        flag(
          d,
          `still open, though ${after.eventId === d.eventId ? 'its own event' : `v${after.streamVersion} (${after.eventId})`} was applied at ${after.appliedAt}, after it was created at ${d.createdAt}`,
          { appliedEvent: after.eventId, appliedAt: after.appliedAt, createdAt: d.createdAt },
          [after.streamVersion],
        );
      }
    }
    if (d.status === 'replayed' && d.eventId !== null && !byEvent.has(d.eventId)) {
      flag(
        d,
        `marked replayed, but its event ${d.eventId} was never applied`,
        { resolvedAt: d.resolvedAt },
        d.streamVersion === null ? [] : [d.streamVersion],
      );
    }
  }
  return result('dead-letter-unsettled', anomalies);
}
