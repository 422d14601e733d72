import { foldEvents } from '../workload/model.ts';
import { compareWithFold } from './compareState.ts';
import { result, type CheckInput, type CheckResult } from './types.ts';

/** `diverged`: after quiesce, queries.USER_DATA ≠ the fold of the write-side events. */
export function checkDiverged(input: CheckInput): CheckResult {
  const { model } = foldEvents(input.write.events);
  return result('diverged', compareWithFold('diverged', 'queries.USER_DATA', model, input.read.users));
}
