import { createHash } from 'node:crypto';
import { TOPIC } from '../../system/shared/events.ts';
import type { InjectedRecord, InjectionEntry } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult, type DeadLetterLogRow } from './types.ts';

/** Values longer than this are named by length and SHA-256 in an anomaly (the history has the bytes). */
const SHOWN_VALUE_BYTES = 4096;
/** Faults that can end an at-most-once projector between its offset commit and its apply. */
const PROJECTOR_DEATHS: readonly string[] = ['kill', 'freeze-kill', 'crash-point', 'restart'];

const digest = (b64: string | null) => {
  if (b64 === null) return null;
  const b = Buffer.from(b64, 'base64');
  return { length: b.length, sha256: createHash('sha256').update(b).digest('hex') };
};
const sameDigest = (a: { length: number; sha256: string } | null, b: { length: number; sha256: string } | null) =>
  a === null || b === null ? a === b : a.length === b.length && a.sha256 === b.sha256;

/** Per name, its values in order, as the dead letter must store them (a name's interleaving with others is not kept). */
function expectedHeaders(r: InjectedRecord): Map<string, Array<string | null>> {
  const out = new Map<string, Array<string | null>>();
  for (const [n, v] of r.headers) out.set(n, [...(out.get(n) ?? []), v]);
  return out;
}

function headerDifferences(r: InjectedRecord, stored: NonNullable<DeadLetterLogRow['headers']>): string[] {
  const want = expectedHeaders(r);
  const got = new Map(Object.entries(stored).map(([n, v]) => [n, Array.isArray(v) ? v : [v]]));
  const out: string[] = [];
  for (const [n, values] of want) {
    const g = got.get(n);
    if (!g) out.push(`header ${JSON.stringify(n)} missing`);
    else if (JSON.stringify(g) !== JSON.stringify(values))
      out.push(`header ${JSON.stringify(n)} stored as ${JSON.stringify(g)}, sent ${JSON.stringify(values)}`);
  }
  for (const n of got.keys()) if (!want.has(n)) out.push(`header ${JSON.stringify(n)} stored but never sent`);
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What the record says of itself, as the dead letter must file it: the version its JSON claims
 * (a positive safe integer, else none) and its event id (a JSON string up to 64 characters; longer
 * ones may be fitted to the column, and an id only in a header is not judged here).
 */
export function claimsOf(value64: string | null): { streamVersion: number | null; eventId?: string } {
  let raw: unknown;
  try {
    raw = value64 === null ? null : JSON.parse(UTF8.decode(Buffer.from(value64, 'base64')));
  } catch {
    return { streamVersion: null };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { streamVersion: null };
  const o = raw as Record<string, unknown>;
  const v = o.streamVersion;
  return {
    streamVersion: Number.isSafeInteger(v) && (v as number) >= 1 ? (v as number) : null,
    ...(typeof o.eventId === 'string' && o.eventId.length <= 64 ? { eventId: o.eventId } : {}),
  };
}

function claimDifferences(r: InjectedRecord, d: DeadLetterLogRow): string[] {
  const claims = claimsOf(r.value);
  const out: string[] = [];
  if (d.streamVersion !== claims.streamVersion)
    out.push(`filed under version ${d.streamVersion ?? 'none'}, though the record claims ${claims.streamVersion ?? 'none'}`);
  if (claims.eventId !== undefined && d.eventId !== claims.eventId)
    out.push(`filed under event id ${JSON.stringify(d.eventId)}, though the record claims ${JSON.stringify(claims.eventId)}`);
  return out;
}

function differences(r: InjectedRecord, d: DeadLetterLogRow): string[] {
  const out: string[] = claimDifferences(r, d);
  if (d.key !== undefined && !sameDigest(digest(r.key), d.key))
    out.push(`key stored as ${JSON.stringify(d.key)}, sent ${JSON.stringify(digest(r.key))}`);
  if (d.value !== undefined && !sameDigest(digest(r.value), d.value))
    out.push(`value stored as ${JSON.stringify(d.value)}, sent ${JSON.stringify(digest(r.value))}`);
  if (d.headers !== undefined) out.push(...headerDifferences(r, d.headers));
  return out;
}

/** The record as the history has it, for a person to read: the value by digest when it is long. */
function shown(r: InjectedRecord): Record<string, unknown> {
  const v = digest(r.value);
  return {
    key: r.key,
    value: v === null || v.length <= SHOWN_VALUE_BYTES ? r.value : { ...v, bytes: 'in history.jsonl (this inject entry)' },
    headers: r.headers,
  };
}

/**
 * `fuzz-mishandled`: a record the fuzzer produced (`fuzz-records`) that is not in `dead_letters`
 * at its partition and offset with exactly its key, value and headers (per name every value in
 * order, null kept null), filed under the version and event id the record claims (claimsOf) and on the dead-letter topic (a copy naming that position), or a fuzzed copy of an applied event (recorded as a duplicate) that was
 * dead-lettered, or applied again by effectively-once, whose inbox must drop it. A record missing
 * from an at-most-once run whose projector died is what that mode may lose (its copy, where there
 * is one, must still be exact). A run recorded without the dead letters' contents has nothing to say.
 */
export function checkFuzzMishandled(input: CheckInput): CheckResult {
  const deadLetters = input.read.deadLetters;
  const fuzzed = (input.injections ?? []).filter(
    (i): i is InjectionEntry & { record: InjectedRecord; fuzzId: string } =>
      i.fuzzId !== undefined && i.record !== undefined && i.partition >= 0,
  );
  if (!deadLetters || fuzzed.length === 0) return result('fuzz-mishandled', []);
  const at = (p: number, o: string) => `${p}@${o}`;
  const dead = new Map(
    deadLetters.filter((d) => d.partition !== undefined && (d.topic ?? TOPIC) === TOPIC).map((d) => [at(d.partition!, d.offset!), d]),
  );
  // Where each dead-letter topic record came from (its decoded kafka_dlt-original-* position).
  const onDlqTopic = new Set(
    input.topics.dlq
      .filter((r) => r.dlt && (r.dlt.originalTopic ?? TOPIC) === TOPIC && r.dlt.originalPartition !== null)
      .map((r) => at(r.dlt!.originalPartition!, r.dlt!.originalOffset ?? '')),
  );
  // A dead-letter topic shrunk on purpose may refuse even a cut copy: then only the table holds it.
  const dlqTopicLimited = input.faults.some((f) => f.fault === 'dlq-size-limit');
  const appliedAt = new Set(input.read.applied.filter((a) => a.partition >= 0).map((a) => at(a.partition, a.offset)));
  const projectorDied =
    (input.crashes ?? []).some((c) => c.target.startsWith('projector')) ||
    input.faults.some((f) => f.target.startsWith('projector') && PROJECTOR_DEATHS.includes(f.fault));
  const mayLose = input.consumeMode === 'at-most-once' && projectorDied;
  const effectivelyOnce = (input.consumeMode ?? 'effectively-once') === 'effectively-once';

  const anomalies: Anomaly[] = [];
  const flag = (i: (typeof fuzzed)[number], what: string, extra: Record<string, unknown> = {}) =>
    anomalies.push({
      name: 'fuzz-mishandled',
      message: `fuzzed record ${i.fuzzId} at ${i.topic}/${i.partition}@${i.offset} (${i.shape ?? 'no shape recorded'}): ${what}`,
      ...(i.streamId ? { streamId: i.streamId } : {}),
      ...(i.eventId ? { eventId: i.eventId } : {}),
      data: { fuzzId: i.fuzzId, partition: i.partition, offset: i.offset, faultId: i.faultId, record: shown(i.record), ...extra },
    });

  for (const i of fuzzed) {
    const pos = at(i.partition, i.offset);
    const d = dead.get(pos);
    if (i.what === 'duplicate') {
      if (d)
        flag(i, `a copy of applied event ${i.eventId} was dead-lettered (#${d.id}, ${d.status}) instead of handled as a duplicate`, {
          deadLetter: d.id,
        });
      else if (effectivelyOnce && appliedAt.has(pos))
        flag(i, `a copy of applied event ${i.eventId} was applied again: the inbox did not drop it`);
      continue;
    }
    if (!d) {
      if (!mayLose) flag(i, 'not in dead_letters (neither dead-lettered nor anywhere else the design puts such a record)');
      continue;
    }
    const diffs = differences(i.record, d);
    if (!onDlqTopic.has(pos) && !dlqTopicLimited)
      diffs.push(`no copy on the dead-letter topic${d.topicCopy !== undefined ? ` (topic_copy ${d.topicCopy ?? 'null'})` : ''}`);
    if (diffs.length > 0)
      flag(i, `dead letter #${d.id} is not its exact copy: ${diffs.join('; ')}`, { deadLetter: d.id, differences: diffs });
  }
  return result('fuzz-mishandled', anomalies);
}
