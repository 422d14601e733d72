import type { CommandOp } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `lost-update` (optimistic concurrency): an `ok` command whose `If-Match` was not honoured.
 * - It was already stale when it was sent: an earlier `ok` command on the same stream had completed
 *   at a higher version before it was invoked, and versions only grow, so the service had to
 *   refuse it (409).
 * - Or its answer contradicts it: a command with `If-Match: "E"` applies on top of version E, so its
 *   event is version E + 1; any other version means the precondition was ignored (a stale or a
 *   not-yet-reached version accepted), whatever else ran at the time.
 * Read from the history alone. A command sharing its key with an earlier one is skipped: its answer
 * is a replay.
 */
export function checkLostUpdate(input: CheckInput): CheckResult {
  const firstUse = new Map<string, number>();
  for (const op of [...input.history].sort((a, b) => a.invoke.ms - b.invoke.ms)) {
    if (!firstUse.has(op.idempotencyKey)) firstUse.set(op.idempotencyKey, op.id);
  }
  const okByStream = new Map<string, CommandOp[]>();
  for (const op of input.history) {
    if (op.outcome !== 'ok' || op.version === undefined || op.complete === null) continue;
    const list = okByStream.get(op.userId);
    if (list) list.push(op);
    else okByStream.set(op.userId, [op]);
  }
  const anomalies: Anomaly[] = [];
  for (const op of input.history) {
    if (op.outcome !== 'ok' || op.expectedVersion === undefined || firstUse.get(op.idempotencyKey) !== op.id) continue;
    if (op.version !== undefined && op.version !== op.expectedVersion + 1) {
      anomalies.push({
        name: 'lost-update',
        message: `op ${op.id} (${op.kind} If-Match ${op.expectedVersion}) was accepted at v${op.version}: a command on top of v${op.expectedVersion} makes v${op.expectedVersion + 1}, so its precondition was ignored`,
        streamId: op.userId,
        versions: [op.expectedVersion, op.version],
        op,
        data: { ignored: true },
      });
      continue;
    }
    const ahead = (okByStream.get(op.userId) ?? []).find(
      (o) => o.id !== op.id && o.complete!.ms < op.invoke.ms && o.version! > op.expectedVersion!,
    );
    if (!ahead) continue;
    anomalies.push({
      name: 'lost-update',
      message: `op ${op.id} (${op.kind} If-Match ${op.expectedVersion}) was accepted at v${op.version ?? '?'} although op ${ahead.id} had already made ${op.userId} v${ahead.version} before it was sent`,
      streamId: op.userId,
      versions: [op.expectedVersion, ahead.version!],
      op,
      data: { ahead: ahead.id },
    });
  }
  return result('lost-update', anomalies);
}
