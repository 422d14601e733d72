import { HEADERS } from '../../system/shared/events.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

const sv = (stream: string, version: number) => `${stream}\u0000${version}`;

/**
 * `lost`: an `ok` command whose event never reaches the read model's applied log. `unknown` and
 * `fail` ops are never lost. `data.stage` says how far it got: write store, topic, DLQ.
 */
export function checkLost(input: CheckInput): CheckResult {
  const appliedIds = new Set(input.read.applied.map((r) => r.eventId));
  const appliedVersions = new Set(input.read.applied.map((r) => sv(r.streamId, r.streamVersion)));
  const writtenIds = new Set(input.write.events.map((e) => e.eventId));
  const publishedIds = new Set(input.topics.events.map((r) => r.headers[HEADERS.eventId]));
  const deadIds = new Set(input.topics.dlq.map((r) => r.headers[HEADERS.eventId]));
  const anomalies: Anomaly[] = [];
  const reported = new Set<string>();
  for (const op of input.history) {
    if (op.outcome !== 'ok') continue;
    // an idempotent retry answers with the first attempt's event: one loss, not two
    if (op.eventId !== undefined && reported.has(op.eventId)) continue;
    let reached: boolean;
    if (op.eventId !== undefined) reached = appliedIds.has(op.eventId);
    else if (op.version !== undefined) reached = appliedVersions.has(sv(op.userId, op.version));
    else continue; // an ok without event id or version gives nothing to look for
    if (reached) continue;
    const id = op.eventId;
    if (id !== undefined) reported.add(id);
    const stage =
      id === undefined
        ? 'unknown'
        : !writtenIds.has(id)
          ? 'never-written'
          : deadIds.has(id)
            ? 'dead-lettered'
            : !publishedIds.has(id)
              ? 'never-published'
              : 'never-applied';
    const a: Anomaly = {
      name: 'lost',
      message: `op ${op.id} ${op.kind}(${op.userId}) was ok (v${op.version ?? '?'}) but never applied: ${stage}`,
      streamId: op.userId,
      op,
      data: { stage },
    };
    if (id !== undefined) a.eventId = id;
    if (op.version !== undefined) a.versions = [op.version];
    anomalies.push(a);
  }
  return result('lost', anomalies);
}
