import { checkConflictMissed } from './conflictMissed.ts';
import { checkDeadLetterOvertaken } from './deadLetterOvertaken.ts';
import { checkDeadLetterUnsettled } from './deadLetterUnsettled.ts';
import { checkDiverged } from './diverged.ts';
import { checkDlqCutUnmarked } from './dlqCutUnmarked.ts';
import { checkDuplicated } from './duplicated.ts';
import { checkFuzzMishandled } from './fuzzMishandled.ts';
import { checkLost } from './lost.ts';
import { checkLostUpdate } from './lostUpdate.ts';
import { checkMisanswered } from './misanswered.ts';
import { checkMisrouted } from './misrouted.ts';
import { checkParkedDuplicate } from './parkedDuplicate.ts';
import { checkMispartitioned } from './mispartitioned.ts';
import { checkPhantom } from './phantom.ts';
import { checkPoisonLost } from './poisonLost.ts';
import { checkPublishedOutOfOrder } from './publishedOutOfOrder.ts';
import { checkMangled, checkUntraced, checkWriteDuplicated } from './provenance.ts';
import { checkReadBehind } from './readBehind.ts';
import { checkReordered } from './reordered.ts';
import { checkRepublished } from './republished.ts';
import { checkSlowConvergence } from './slowConvergence.ts';
import { checkStaleRead } from './staleRead.ts';
import { checkTelemetryLied } from './telemetryLied.ts';
import { checkTwoOwners } from './twoOwners.ts';
import type { AnomalyName, Anomaly, CheckInput, CheckResult, Checker } from './types.ts';
import { checkWriteDiverged } from './writeDiverged.ts';

export const CHECKERS: Readonly<Record<AnomalyName, Checker>> = Object.freeze({
  lost: checkLost,
  duplicated: checkDuplicated,
  phantom: checkPhantom,
  reordered: checkReordered,
  diverged: checkDiverged,
  'write-diverged': checkWriteDiverged,
  'poison-lost': checkPoisonLost,
  misrouted: checkMisrouted,
  'slow-convergence': checkSlowConvergence,
  'write-duplicated': checkWriteDuplicated,
  untraced: checkUntraced,
  mangled: checkMangled,
  'stale-read': checkStaleRead,
  'read-behind': checkReadBehind,
  mispartitioned: checkMispartitioned,
  'telemetry-lied': checkTelemetryLied,
  'lost-update': checkLostUpdate,
  'published-out-of-order': checkPublishedOutOfOrder,
  'two-owners': checkTwoOwners,
  'dlq-cut-unmarked': checkDlqCutUnmarked,
  misanswered: checkMisanswered,
  republished: checkRepublished,
  'conflict-missed': checkConflictMissed,
  'parked-duplicate': checkParkedDuplicate,
  'dead-letter-overtaken': checkDeadLetterOvertaken,
  'fuzz-mishandled': checkFuzzMishandled,
  'dead-letter-unsettled': checkDeadLetterUnsettled,
});

export interface ComposedResult extends CheckResult {
  results: CheckResult[];
}

/**
 * Runs every checker and merges verdicts: valid only if all are. A checker that throws yields
 * an invalid result with `error` (an untrustworthy verdict must not pass silently).
 */
export function composeCheckers(
  checkers: readonly Checker[] = Object.values(CHECKERS),
  name = 'all',
): (input: CheckInput) => ComposedResult {
  return (input) => {
    const results = checkers.map((check, i): CheckResult => {
      try {
        return check(input);
      } catch (e) {
        return { name: check.name || `checker-${i}`, valid: false, anomalies: [], error: e instanceof Error ? e.message : String(e) };
      }
    });
    const anomalies: Anomaly[] = results.flatMap((r) => r.anomalies);
    return { name, valid: results.every((r) => r.valid), anomalies, results };
  };
}
