// Provenance: every stored event traces to exactly one command through its causation id (= the
// command's idempotency key). Three checkers read the same links:
// - `write-duplicated`: a key caused more than one event, or a same-key retry (a resend, or the
//   client's retry after a lost reply) was answered with a different event or refused: the key
//   was not honoured. Outcomes do not matter: no key may ever cause two events.
// - `untraced`: an event whose causation id is no command's key, or an `ok` command whose key
//   caused no stored event (the answer claimed a write that is not there).
// - `mangled`: an `ok` command's event does not carry, byte for byte, the name (and date) sent.
import type { CommandOp } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult, type WriteEventRow } from './types.ts';

const DEFAULT_FOREIGN_PREFIXES = ['load-'];

/** The request an op sent, comparable as a string (the service hashes method, path and body). */
export const requestOf = (o: CommandOp): string =>
  JSON.stringify([o.kind, o.userId, o.name ?? null, o.expectedVersion ?? null, o.dateRegister ?? null]);

function eventsByKey(events: readonly WriteEventRow[]): Map<string, WriteEventRow[]> {
  const m = new Map<string, WriteEventRow[]>();
  for (const e of events) if (e.causationId !== undefined) m.set(e.causationId, [...(m.get(e.causationId) ?? []), e]);
  return m;
}

function opsByKey(ops: readonly CommandOp[]): Map<string, CommandOp[]> {
  const m = new Map<string, CommandOp[]>();
  for (const o of ops) m.set(o.idempotencyKey, [...(m.get(o.idempotencyKey) ?? []), o]);
  return m;
}

export function checkWriteDuplicated(input: CheckInput): CheckResult {
  const anomalies: Anomaly[] = [];
  const byKey = eventsByKey(input.write.events);
  for (const [key, events] of byKey) {
    if (events.length < 2) continue;
    anomalies.push({
      name: 'write-duplicated',
      message: `idempotency key ${key} caused ${events.length} events on ${events[0]!.streamId} (v${events.map((e) => e.streamVersion).join(', v')})`,
      streamId: events[0]!.streamId,
      eventId: events[1]!.eventId,
      versions: events.map((e) => e.streamVersion),
      data: { key, evidence: 'events', eventIds: events.map((e) => e.eventId) },
    });
  }
  const flagged = new Set(anomalies.map((a) => a.data!.key as string));
  for (const [key, ops] of opsByKey(input.history)) {
    if (flagged.has(key) || ops.length < 2) continue;
    const oks = ops.filter((o) => o.outcome === 'ok');
    const answers = new Set(oks.map((o) => o.eventId ?? `v${o.version}`));
    // a retry of an ok command refused with a 4xx: the stored answer was not replayed (another
    // request under the same key must be refused: `misanswered` judges that case)
    const refused =
      oks.length > 0
        ? ops.find((o) => o.outcome === 'fail' && o.invoke.ms > oks[0]!.complete!.ms && requestOf(o) === requestOf(oks[0]!))
        : undefined;
    if (answers.size < 2 && !refused) continue;
    const first = oks[0]!;
    anomalies.push({
      name: 'write-duplicated',
      message: refused
        ? `idempotency key ${key}: op ${first.id} was ok, its retry op ${refused.id} was refused (${refused.status}): the key was not honoured`
        : `idempotency key ${key} answered with ${answers.size} different events (${[...answers].join(', ')})`,
      streamId: first.userId,
      op: refused ?? oks[1]!,
      versions: oks.map((o) => o.version).filter((v): v is number => v !== undefined),
      data: { key, evidence: refused ? 'retry-refused' : 'answers', ops: ops.map((o) => o.id) },
    });
  }
  return result('write-duplicated', anomalies);
}

export function checkUntraced(input: CheckInput): CheckResult {
  const anomalies: Anomaly[] = [];
  const events = input.write.events;
  // without causation ids on the write side there is nothing to trace (an older store)
  if (!events.some((e) => e.causationId !== undefined)) return result('untraced', anomalies);
  const keys = opsByKey(input.history);
  const foreign = input.foreignCausationPrefixes ?? DEFAULT_FOREIGN_PREFIXES;
  const preexisting = new Set(input.preexistingUsers ?? []);
  for (const e of events) {
    if (e.causationId === undefined || keys.has(e.causationId) || preexisting.has(e.streamId)) continue;
    if (foreign.some((p) => e.causationId!.startsWith(p))) continue;
    anomalies.push({
      name: 'untraced',
      message: `event ${e.eventId} (${e.streamId} v${e.streamVersion}) has causation id ${e.causationId}, which no command sent`,
      streamId: e.streamId,
      eventId: e.eventId,
      versions: [e.streamVersion],
      data: { evidence: 'event-without-command', causationId: e.causationId },
    });
  }
  const byKey = eventsByKey(events);
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const seen = new Set<string>();
  for (const o of input.history) {
    if (o.outcome !== 'ok' || seen.has(o.idempotencyKey)) continue;
    seen.add(o.idempotencyKey);
    const caused = byKey.get(o.idempotencyKey) ?? [];
    const answered = o.eventId === undefined ? undefined : byId.get(o.eventId);
    const problem =
      caused.length === 0
        ? 'no stored event carries its key'
        : answered && answered.causationId !== o.idempotencyKey
          ? `its answer names event ${answered.eventId}, caused by ${answered.causationId}`
          : undefined;
    if (!problem) continue;
    anomalies.push({
      name: 'untraced',
      message: `op ${o.id} ${o.kind}(${o.userId}) was ok (v${o.version ?? '?'}) but ${problem}`,
      streamId: o.userId,
      op: o,
      ...(o.eventId ? { eventId: o.eventId } : {}),
      data: { evidence: 'command-without-event', key: o.idempotencyKey },
    });
  }
  return result('untraced', anomalies);
}

export function checkMangled(input: CheckInput): CheckResult {
  const anomalies: Anomaly[] = [];
  const byId = new Map(input.write.events.map((e) => [e.eventId, e]));
  const byKey = eventsByKey(input.write.events);
  for (const o of input.history) {
    if (o.outcome !== 'ok' || o.kind === 'delete' || o.resendOf !== undefined) continue;
    const e = (o.eventId !== undefined ? byId.get(o.eventId) : undefined) ?? byKey.get(o.idempotencyKey)?.[0];
    if (!e) continue; // no event at all: untraced/lost say so
    const p = (e.payload ?? {}) as Record<string, unknown>;
    const diffs: { field: string; sent: unknown; stored: unknown }[] = [];
    if (o.name !== undefined && p.name !== o.name) diffs.push({ field: 'name', sent: o.name, stored: p.name });
    if (o.kind === 'register' && o.dateRegister !== undefined && p.dateRegister !== o.dateRegister)
      diffs.push({ field: 'dateRegister', sent: o.dateRegister, stored: p.dateRegister });
    if (diffs.length === 0) continue;
    anomalies.push({
      name: 'mangled',
      message: `op ${o.id} ${o.kind}(${o.userId}) stored ${diffs.map((d) => `${d.field} ${JSON.stringify(d.stored)} for ${JSON.stringify(d.sent)}`).join(', ')}`,
      streamId: o.userId,
      eventId: e.eventId,
      versions: [e.streamVersion],
      op: o,
      data: { diffs: diffs.map((d) => ({ ...d, sentCodePoints: codePoints(d.sent), storedCodePoints: codePoints(d.stored) })) },
    });
  }
  return result('mangled', anomalies);
}

const codePoints = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [...v].slice(0, 12).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`) : undefined;
