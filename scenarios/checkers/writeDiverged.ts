import { foldEvents } from '../workload/model.ts';
import { compareWithFold } from './compareState.ts';
import { result, type CheckInput, type CheckResult } from './types.ts';

/**
 * `write-diverged`: commands.USER_DATA ≠ the fold of its own events (the state row and the
 * event are written in one transaction, so any difference is a write-side bug). A stream whose
 * events do not fold (version gap, unknown type) is reported too.
 */
export function checkWriteDiverged(input: CheckInput): CheckResult {
  const { model, issues } = foldEvents(input.write.events);
  const anomalies = compareWithFold('write-diverged', 'commands.USER_DATA', model, input.write.users);
  for (const i of issues)
    anomalies.push({
      name: 'write-diverged',
      message: `${i.streamId} v${i.streamVersion} in commands.events: ${i.problem}`,
      streamId: i.streamId,
      versions: [i.streamVersion],
      data: { where: 'commands.events', problem: i.problem },
    });
  return result('write-diverged', anomalies);
}
