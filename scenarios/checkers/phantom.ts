import { HEADERS } from '../../system/shared/events.ts';
import type { CommandOp } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `phantom`: a `fail` command whose effect appears anywhere. Two kinds of evidence:
 * - its idempotency key is the causation id of a stored event or a published record
 *   (unless another attempt with the same key was ok/unknown: then the effect is legitimate);
 * - a stream exists (write or read side) although every op on it failed.
 * `unknown` ops may go either way and are never phantom.
 */
export function checkPhantom(input: CheckInput): CheckResult {
  const opsByKey = groupBy(input.history, (o) => o.idempotencyKey);
  const opsByUser = groupBy(input.history, (o) => o.userId);
  const allFailed = (ops: CommandOp[] | undefined) => !!ops && ops.length > 0 && ops.every((o) => o.outcome === 'fail');
  const anomalies: Anomaly[] = [];
  const seenKeys = new Set<string>();
  const byCause = (key: string | undefined, where: string, extra: Partial<Anomaly>) => {
    if (key === undefined || seenKeys.has(key)) return;
    const ops = opsByKey.get(key);
    if (!allFailed(ops)) return;
    seenKeys.add(key);
    const op = ops![0]!;
    anomalies.push({
      name: 'phantom',
      message: `op ${op.id} ${op.kind}(${op.userId}) failed (${op.status ?? op.error ?? 'fail'}) but its event is in ${where}`,
      streamId: op.userId,
      op,
      data: { where },
      ...extra,
    });
  };
  for (const e of input.write.events) byCause(e.causationId, 'commands.events', { eventId: e.eventId, versions: [e.streamVersion] });
  for (const r of input.topics.events)
    byCause(r.headers[HEADERS.causationId], 'user-events', r.headers[HEADERS.eventId] ? { eventId: r.headers[HEADERS.eventId]! } : {});

  const preexisting = new Set(input.preexistingUsers ?? []);
  const present = new Map<string, string>();
  for (const e of input.write.events) if (!present.has(e.streamId)) present.set(e.streamId, 'commands.events');
  for (const u of input.write.users) if (!present.has(u.idUserData)) present.set(u.idUserData, 'commands.USER_DATA');
  for (const u of input.read.users) if (!present.has(u.idUserData)) present.set(u.idUserData, 'queries.USER_DATA');
  for (const [streamId, where] of present) {
    const ops = opsByUser.get(streamId);
    if (preexisting.has(streamId) || !allFailed(ops)) continue;
    if (anomalies.some((a) => a.streamId === streamId)) continue; // already named by causation
    anomalies.push({
      name: 'phantom',
      message: `${streamId} exists in ${where} although all ${ops!.length} ops on it failed`,
      streamId,
      op: ops![0]!,
      data: { where, ops: ops!.map((o) => o.id) },
    });
  }
  return result('phantom', anomalies);
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
