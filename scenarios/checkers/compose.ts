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
import { checkPageInconsistent } from './pageInconsistent.ts';
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
import { mergeValidity, type AnomalyName, type Anomaly, type CheckInput, type CheckResult, type Checker } from './types.ts';
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
  'page-inconsistent': checkPageInconsistent,
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
 * Runs every checker and merges verdicts (true < unknown < false). A checker that throws yields
 * `unknown` with `error`: an untrustworthy verdict must neither pass silently nor be read as a
 * system bug.
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
        return { name: check.name || `checker-${i}`, valid: 'unknown', anomalies: [], error: e instanceof Error ? e.message : String(e) };
      }
    });
    const anomalies: Anomaly[] = results.flatMap((r) => r.anomalies);
    return { name, valid: mergeValidity(results.map((r) => r.valid)), anomalies, results };
  };
}
