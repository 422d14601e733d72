import { HEADERS } from '../../system/shared/events.ts';
import type { FaultWindow } from '../history/types.ts';
import { DLQ_HEADERS, POISON_ID_HEADER, result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

export const DEFAULT_APPLY_PATH_TARGETS = ['projector-db', 'queries-db'] as const;

/** Clock skew between the harness, Kafka timestamps and the backoff jitter. */
const SLACK_MS = 1000;

/**
 * Errors in which the projector blames the record itself. A write-side event (its id and content
 * from the event store) never earns one if it is applied in its stream's order: a rename with no
 * registered user means it was tried before its registration (let past an open dead letter, say),
 * and no fault on the apply path excuses that.
 */
const BLAMES_RECORD: ReadonlySet<string> = new Set([
  'faultline.NoSuchUserError',
  'faultline.projector.UnparseableRecordError',
  'faultline.projector.UnknownEventTypeError',
  'faultline.projector.SchemaViolationError',
  'faultline.projector.ConflictingEventError',
]);

/**
 * `misrouted`: a VALID event (its id is in commands.events, and no injector marked the record as
 * poison) on the dead-letter topic that a correct projector would have applied:
 *   - no fault on the apply path was still active when it was dead-lettered: the fault healed
 *     within the retry budget, so a retry would have applied it. Dead-lettering for a spent budget
 *     is justified when a window on an apply-path target lasted at least the retry budget and
 *     covered the dead-letter time;
 *   - or the projector blamed the record itself (BLAMES_RECORD): whatever the faults, a valid
 *     event fails that way only when it was tried out of its stream's order.
 */
export function checkMisrouted(input: CheckInput): CheckResult {
  const valid = new Map(input.write.events.map((e) => [e.eventId, e]));
  const targets = new Set<string>(input.applyPathTargets ?? DEFAULT_APPLY_PATH_TARGETS);
  const budget = input.retryBudgetMs ?? 0;
  const windows = input.faults.filter((w) => targets.has(w.target));
  const anomalies: Anomaly[] = [];
  for (const r of input.topics.dlq) {
    if (r.headers[POISON_ID_HEADER] !== undefined) continue;
    const eventId = r.headers[HEADERS.eventId];
    const ev = eventId === undefined ? undefined : valid.get(eventId);
    if (!ev) continue; // not a valid event: poison, checked elsewhere
    const at = r.timestamp === undefined ? undefined : Number(r.timestamp);
    const fqcn = r.headers[DLQ_HEADERS.exceptionFqcn];
    const blamed = fqcn !== undefined && BLAMES_RECORD.has(fqcn);
    if (!blamed && windows.some((w) => justifies(w, at, budget))) continue;
    anomalies.push({
      name: 'misrouted',
      message: blamed
        ? `valid event ${ev.eventId} (${ev.streamId} v${ev.streamVersion}) dead-lettered as ${fqcn}: ${r.headers[DLQ_HEADERS.exceptionMessage] ?? '(no message)'}`
        : `valid event ${ev.eventId} (${ev.streamId} v${ev.streamVersion}) dead-lettered with no apply-path fault outlasting the ${budget} ms retry budget`,
      streamId: ev.streamId,
      eventId: ev.eventId,
      versions: [ev.streamVersion],
      data: {
        deadLetteredAt: at,
        partition: r.partition,
        offset: r.offset,
        error: r.headers[DLQ_HEADERS.exceptionMessage],
        fqcn,
        attempts: r.headers[DLQ_HEADERS.attempts],
        candidateFaults: windows.map((w) => w.faultId),
      },
    });
  }
  return result('misrouted', anomalies);
}

function justifies(w: FaultWindow, deadAt: number | undefined, budget: number): boolean {
  const start = Date.parse(w.start.wall);
  const stop = w.stop ? Date.parse(w.stop.wall) : Infinity;
  if (stop - start + SLACK_MS < budget) return false; // healed within the budget
  if (deadAt === undefined || Number.isNaN(deadAt)) return true; // no time to compare: give the benefit
  return start <= deadAt + SLACK_MS && stop + SLACK_MS >= deadAt;
}
