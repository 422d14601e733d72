import { HEADERS } from '../../system/shared/events.ts';
import type { FaultWindow } from '../history/types.ts';
import { DLQ_HEADERS, POISON_ID_HEADER, result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

export const DEFAULT_APPLY_PATH_TARGETS = ['projector-db', 'queries-db'] as const;

/** Clock skew between the harness, Kafka timestamps and the backoff jitter. */
const SLACK_MS = 1000;

/**
 * `misrouted`: a VALID event (its id is in commands.events) on the dead-letter topic although no
 * fault on the apply path was still active when it was dead-lettered: the fault healed within
 * the retry budget, so a retry would have applied it. Dead-lettering is justified when a window
 * on an apply-path target lasted at least the retry budget and covered the dead-letter time.
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
    const justifiedBy = windows.find((w) => justifies(w, at, budget));
    if (justifiedBy) continue;
    anomalies.push({
      name: 'misrouted',
      message: `valid event ${ev.eventId} (${ev.streamId} v${ev.streamVersion}) dead-lettered with no apply-path fault outlasting the ${budget} ms retry budget`,
      streamId: ev.streamId,
      eventId: ev.eventId,
      versions: [ev.streamVersion],
      data: {
        deadLetteredAt: at,
        partition: r.partition,
        offset: r.offset,
        error: r.headers[DLQ_HEADERS.exceptionMessage],
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
