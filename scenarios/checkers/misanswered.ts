// `misanswered`: an answer the history itself proves wrong, judged only where nothing the client
// sent could explain it. Two cases:
// - a key reused for ANOTHER request (other stream, kind, name, If-Match or date) after the key's
//   first request was answered ok, itself answered 2xx: the key names one request, so the service
//   must refuse the second (422) — a 2xx is the first request's answer given to a request that was
//   never executed;
// - a command the model says was valid (2xx) when sent, answered with a domain error (400, 404,
//   409, 410, 422), on a stream where every earlier command had a definite answer before it was
//   sent and no other command was in flight beside it: no command of its own stream can explain
//   the error, so it belongs to another stream's command (or the service decided wrongly).
import type { CommandOp } from '../history/types.ts';
import type { Command } from '../workload/commands.ts';
import { decide, type UserState } from '../workload/model.ts';
import { requestOf } from './provenance.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

const DOMAIN_ERRORS = new Set([400, 404, 409, 410, 422]);

function commandOf(o: CommandOp): Command {
  const ev = o.expectedVersion !== undefined ? { expectedVersion: o.expectedVersion } : {};
  if (o.kind === 'register')
    return { kind: 'register', userId: o.userId, name: o.name ?? '', ...(o.dateRegister ? { dateRegister: o.dateRegister } : {}) };
  if (o.kind === 'rename') return { kind: 'rename', userId: o.userId, name: o.name ?? '', ...ev };
  return { kind: 'delete', userId: o.userId, ...ev };
}

function reusedKeysAnswered2xx(history: readonly CommandOp[]): Anomaly[] {
  const byKey = new Map<string, CommandOp[]>();
  for (const o of history) byKey.set(o.idempotencyKey, [...(byKey.get(o.idempotencyKey) ?? []), o]);
  const out: Anomaly[] = [];
  for (const ops of byKey.values()) {
    if (ops.length < 2) continue;
    const sorted = [...ops].sort((a, b) => a.invoke.ms - b.invoke.ms);
    const first = sorted.find((o) => o.outcome === 'ok');
    if (!first?.complete) continue;
    for (const o of sorted) {
      if (o.outcome !== 'ok' || o.invoke.ms < first.complete.ms || requestOf(o) === requestOf(first)) continue;
      out.push({
        name: 'misanswered',
        message: `op ${o.id} ${o.kind}(${o.userId}) reused the key of ok op ${first.id} ${first.kind}(${first.userId}) for another request and was answered ${o.status ?? 'ok'} (expected 422)`,
        streamId: o.userId,
        op: o,
        ...(o.eventId ? { eventId: o.eventId } : {}),
        data: { evidence: 'key-reused', key: o.idempotencyKey, firstOp: first.id, status: o.status },
      });
    }
  }
  return out;
}

/** The stream's state from the ok answers of `prior` (all answered before the judged op was sent). */
function stateOf(userId: string, prior: readonly CommandOp[]): UserState | undefined | null {
  let state: UserState | undefined;
  for (const o of [...prior].filter((p) => p.outcome === 'ok').sort((a, b) => (a.version ?? 0) - (b.version ?? 0))) {
    if (o.version === undefined) return null; // a version the answer did not give: unknown state
    if (o.kind === 'register') state = { userId, name: o.name ?? '', version: o.version, deleted: false };
    else if (state) state = { ...state, version: o.version, ...(o.kind === 'rename' ? { name: o.name ?? '' } : { deleted: true }) };
    else return null;
  }
  return state;
}

function validAnsweredWithError(history: readonly CommandOp[], preexisting: ReadonlySet<string>): Anomaly[] {
  const keyUses = new Map<string, number>();
  for (const o of history) keyUses.set(o.idempotencyKey, (keyUses.get(o.idempotencyKey) ?? 0) + 1);
  const byStream = new Map<string, CommandOp[]>();
  for (const o of history) byStream.set(o.userId, [...(byStream.get(o.userId) ?? []), o]);
  const out: Anomaly[] = [];
  for (const [userId, ops] of byStream) {
    if (preexisting.has(userId)) continue;
    for (const x of ops) {
      if (x.outcome !== 'fail' || x.status === undefined || !DOMAIN_ERRORS.has(x.status) || !x.complete) continue;
      if (keyUses.get(x.idempotencyKey)! > 1) continue; // a replayed or reused key: the other cases judge it
      const others = ops.filter((o) => o !== x);
      const prior = others.filter((o) => o.invoke.ms < x.invoke.ms);
      const settled = prior.every((o) => o.outcome !== 'unknown' && o.complete !== null && o.complete.ms < x.invoke.ms);
      const alongside = others.some((o) => o.invoke.ms >= x.invoke.ms && o.invoke.ms <= x.complete!.ms);
      if (!settled || alongside) continue;
      const state = stateOf(userId, prior);
      if (state === null) continue;
      const d = decide(state ? new Map([[userId, state]]) : new Map(), commandOf(x));
      if (!d.accepted) continue;
      out.push({
        name: 'misanswered',
        message: `op ${x.id} ${x.kind}(${userId}${x.expectedVersion !== undefined ? ` @v${x.expectedVersion}` : ''}) was valid when sent (stream at v${state?.version ?? 0}, nothing else in flight on it) but answered ${x.status}`,
        streamId: userId,
        op: x,
        data: { evidence: 'valid-refused', status: x.status, predicted: d.status, streamVersion: state?.version ?? 0 },
      });
    }
  }
  return out;
}

export function checkMisanswered(input: CheckInput): CheckResult {
  const preexisting = new Set(input.preexistingUsers ?? []);
  return result('misanswered', [...reusedKeysAnswered2xx(input.history), ...validAnsweredWithError(input.history, preexisting)]);
}
