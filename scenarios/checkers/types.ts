// What the checkers read: the history plus the final state of both databases and both topics,
// read by the lead after heal + quiesce. Rows are camelCase; comments give the source column.
import type { Configuration } from '../../system/shared/modes.ts';
import type { CommandOp, CrashEntry, FaultWindow, InjectionEntry, PageEntry, ReadEntry } from '../history/types.ts';

export const ANOMALY_NAMES = [
  'lost', // an ok command whose effect never reaches the read model
  'duplicated', // an event applied more than once
  'phantom', // a fail command whose effect appears anywhere
  'reordered', // a stream's events applied out of version order
  'diverged', // read model ≠ fold of the write-side events
  'write-diverged', // commands.USER_DATA ≠ fold of its own events
  'poison-lost', // a poison record neither dead-lettered nor applied
  'misrouted', // a valid event dead-lettered though its fault healed within the retry budget, or blamed as unapplyable
  'slow-convergence', // converged, but later than the bound
  'write-duplicated', // one idempotency key caused more than one stored event, or a same-key retry got a different answer
  'untraced', // a stored event no command's key caused, or an ok command whose key caused no stored event
  'mangled', // an ok command's stored event does not carry, byte for byte, the name or date it sent
  'stale-read', // one reader saw a stream's version (or existence) go backwards on the query API
  'read-behind', // an answer older than one another reader had received before this request was sent
  'page-inconsistent', // a page of GET /users that contradicts its own total, or lists a user twice
  'mispartitioned', // a stream's records on more than one partition, or a record keyed other than by its stream id
  'telemetry-lied', // a process said ready with lag 0 / not stalled while the harness saw lag and no progress past a bound, exported lag figures beside its own "lag unknown", or counted a metric outside its declared labels
  'lost-update', // an ok command whose If-Match was not honoured: stale when sent (an earlier ok had moved past it), or its answer not one version past it
  'published-out-of-order', // on its partition, a stream's first copy of a version comes after the first copy of a later version
  'two-owners', // on one partition, an earlier owner wrote an offset the partition's later owner had already written past
  'dlq-cut-unmarked', // a dead-letter copy whose value differs from the original's without saying it was cut (length, SHA-256), a whole copy that says it was cut, or a dead_letters row whose topic_copy is not what reached the topic
  'misanswered', // a valid command (by the model, nothing in flight beside it) refused, or a reused key's other request answered 2xx
  'republished', // an event's record on the topic more than once where no fault on the publishing path excuses it
  'conflict-missed', // an injected conflicting copy (an applied version, another id or content) applied or dropped instead of dead-lettered
  'parked-duplicate', // effectively-once parked an event its inbox already held (a known duplicate must be dropped at once)
  'dead-letter-overtaken', // an event applied from the topic while its stream had an open dead letter at its version or an earlier one
  'fuzz-mishandled', // a fuzzed record not dead-lettered with exactly its key, value and headers, or a fuzzed copy of an applied event not handled as a duplicate
  'dead-letter-unsettled', // in the end state, an open dead letter whose event (or a later version) was applied after it, or a replayed one whose event never was
] as const;
export type AnomalyName = (typeof ANOMALY_NAMES)[number];

export { POISON_ID_HEADER, type PoisonInjection } from '../history/types.ts';
import type { PoisonInjection } from '../history/types.ts';
/** Headers the projector puts on a dead-lettered record (Spring's `kafka_dlt-*` names): one source of truth. */
export { DLT_HEADERS as DLQ_HEADERS } from '../../system/projector/dlqRecord.ts';

/** `commands.events` (event_id, stream_id, stream_version, type, payload, occurred_at). */
export interface WriteEventRow {
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  payload: unknown; // parsed JSON
  occurredAt: string; // ISO-8601
  causationId?: string; // from the stored envelope, when available: links an event to its command
}

/** `USER_DATA` (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED), both databases. */
export interface UserDataRow {
  idUserData: string;
  name: string;
  dateRegister: string; // ISO-8601
  version: number; // commands: stream version; queries: last applied version
  deleted: boolean;
}

export interface ReadUserDataRow extends UserDataRow {
  appliedCount: number; // APPLIED_COUNT
}

/** `queries.applied_events`, append-only, NOT unique: rows in log order (read ORDER BY its id). */
export interface AppliedEventRow {
  eventId: string;
  streamId: string;
  streamVersion: number;
  partition: number;
  offset: string; // Kafka offsets are int64: strings
  appliedAt: string; // ISO-8601
  /** APPLIED_BY: the projector process that wrote the row ('projector#2/4711'); absent in older rows. */
  appliedBy?: string;
}

/** `queries.parked_events`: records the projector set aside instead of applying. */
export interface ParkedEventRow {
  eventId?: string;
  streamId?: string;
  streamVersion?: number;
  partition?: number;
  offset?: string;
  reason?: string;
  headers?: Record<string, string>;
}

/** Every `queries.parked_events` row, released ones too: when it was parked and how it ended. */
export interface ParkLogRow {
  eventId: string;
  streamId: string;
  streamVersion: number;
  reason: string; // blocked | gap
  partition?: number;
  offset?: string;
  parkedAt: string; // parked_at, TIMESTAMP(6) as the server gives it
  releasedAt: string | null;
  outcome: string | null; // applied | duplicate | discarded | conflict
}

/** Every `queries.dead_letters` row: what it held back and while it was open. */
export interface DeadLetterLogRow {
  id: number;
  streamId: string | null;
  eventId: string | null;
  streamVersion: number | null; // null: the record's version could not be read
  status: string; // open | replayed | discarded
  blocksStream: boolean; // false: a conflicting copy, which holds nothing back
  createdAt: string; // created_at, TIMESTAMP(6) as the server gives it
  resolvedAt: string | null;
  /** Where the record was read (absent in runs recorded before these were read). */
  topic?: string;
  partition?: number;
  offset?: string;
  /** The stored record: key and value by length and SHA-256 (hex), null when null; headers as stored (lossless JSON). */
  key?: { length: number; sha256: string } | null;
  value?: { length: number; sha256: string } | null;
  headers?: Record<string, string | null | Array<string | null>>;
  /** What reached the dead-letter topic: full, truncated or none (topic_copy). */
  topicCopy?: string | null;
}

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>; // UTF-8 decoded
  value: string | null; // UTF-8 (lossy for binary poison; match poison by header, not value)
  /** The value's exact size in bytes and SHA-256 (hex), from the raw bytes: `value` is a lossy decode. */
  valueBytes?: number;
  valueSha256?: string;
  timestamp?: string; // Kafka record timestamp, ms since epoch as a string
  /**
   * DLQ records only: the decoded original position. The projector writes partition and offset
   * as binary integers, which a UTF-8 header decode garbles: fill this from readDeadLetterHeaders.
   */
  dlt?: { originalTopic: string | null; originalPartition: number | null; originalOffset: string | null };
}

/** What a system process said about itself at one moment (`/health/ready`, lag metrics), next to
 *  what the harness measured itself at the same moment: telemetry that lies is a finding. */
export interface TelemetrySample {
  atMs: number; // history clock
  process: string; // e.g. projector or projector#2
  ready: boolean | null; // null: no answer
  readyReason?: string;
  /** Which process answered (a restart makes a new one); absent when the answer did not say. */
  instance?: string;
  reportedLag: number | null; // the process's own lag figure (sum over partitions)
  reportedStalled?: boolean | null;
  measuredLag: number | null; // the harness's: live high watermark − committed offset, summed
  appliedCount?: number | null; // read-model progress counter (to see a stall)
  /** The process's own per-partition lag gauges summed; null: it exports none (absent: not sampled). */
  gaugeLag?: number | null;
  /** Its gauge saying the lag cannot be known now (1), or is known (0); null: no such gauge. */
  gaugeLagUnknown?: boolean | null;
}

/** Label name → anchored pattern of its values (`a|b`, `[0-9]+`). */
export type LabelPatterns = Readonly<Record<string, string>>;

export interface MetricLabelContract {
  /** Its series are `<name>_bucket{le,…}`, `<name>_sum` and `<name>_count`. */
  histogram?: boolean;
  labels: LabelPatterns;
  /** A series whose labels match every pattern of `if` must match every pattern of `then`. */
  rules?: readonly { if: LabelPatterns; then: LabelPatterns }[];
}

export type MetricContract = Readonly<Record<string, MetricLabelContract>>;

/** One scrape of every process (ms since the sampler started): process → `name{labels}` → value. */
export interface MetricSample {
  ms: number;
  metrics: Readonly<Partial<Record<string, Readonly<Record<string, number>>>>>;
  /** Taken after the read model stood still: its counters are final. */
  final?: true;
}

export interface ConvergenceInput {
  /** Monotonic ms (history clock) when the last fault healed. */
  lastHealMs: number;
  /** Monotonic ms when read model == fold(write events) was first seen; null: not within quiesce. */
  convergedAtMs: number | null;
  boundMs: number;
}

/** One look at the cluster's partitions (leaders and ISR of the events topic), on the history clock. */
export interface ClusterSample {
  ms: number;
  partitions: readonly { partition: number; leader: number; isr: readonly number[] }[];
  /** The metadata could not be read then. */
  error?: string;
}

export interface CheckInput {
  history: readonly CommandOp[];
  faults: readonly FaultWindow[];
  write: { events: readonly WriteEventRow[]; users: readonly UserDataRow[] };
  read: {
    users: readonly ReadUserDataRow[];
    applied: readonly AppliedEventRow[];
    parked: readonly ParkedEventRow[]; // still parked
    parkLog?: readonly ParkLogRow[]; // every row ever parked (absent in runs recorded before it was read)
    deadLetters?: readonly DeadLetterLogRow[]; // every dead_letters row (absent in runs recorded before it was read)
  };
  topics: { events: readonly TopicRecord[]; dlq: readonly TopicRecord[] };
  poison: readonly PoisonInjection[];
  /** Every record the nemesis injected (poison, duplicates, stale redeliveries), from the history. */
  injections?: readonly InjectionEntry[];
  /** Query-API reads sampled during the run, from the history. */
  reads?: readonly ReadEntry[];
  /** Pages of `GET /users` answered during the run, empty ones included (absent in older histories: grouped from `reads`). */
  pages?: readonly PageEntry[];
  /** Crash points that fired, from the history. */
  crashes?: readonly CrashEntry[];
  /** Leaders and ISR sampled during a multi-broker run: when the cluster settled after a broker fault. */
  cluster?: readonly ClusterSample[];
  /** Self-reported vs measured lag and readiness, sampled during the run. */
  telemetry?: readonly TelemetrySample[];
  /** Every process's metrics as scraped during the run, judged against `metricContract`. */
  metricSamples?: readonly MetricSample[];
  /** The labels each labelled metric carries and their values (fixtures/metric-contract.json). */
  metricContract?: MetricContract;
  convergence?: ConvergenceInput;
  /** Who published; in the cdc modes `republished` excuses no copy (absent in runs recorded before it was read: outbox). */
  publishMode?: Configuration['publish'];
  /** The projector's consume mode; `parked-duplicate` judges only effectively-once (the mode with an inbox). */
  consumeMode?: Configuration['consume'];
  /** The projector's bounded retry budget (total backoff) in ms; needed by `misrouted`. */
  retryBudgetMs?: number;
  /** Fault targets that can make the projector's apply fail (default: projector-db, queries-db). */
  applyPathTargets?: readonly string[];
  /** Users present before the run (seed data): not phantoms. */
  preexistingUsers?: readonly string[];
  /** Causation-id prefixes of commands sent outside the history (background load): not untraced. */
  foreignCausationPrefixes?: readonly string[];
  /** How long a process may report ready/lag 0 while stalled before it counts as a lie (ms). */
  telemetryBoundMs?: number;
  /** How long a process may take to report a stall itself (default 35 s: the projector's 30 s threshold + checks). */
  stallReportBoundMs?: number;
}

export interface Anomaly {
  name: AnomalyName;
  message: string; // one line a person can read
  streamId?: string;
  eventId?: string;
  versions?: number[]; // the stream versions involved, in the order seen
  op?: CommandOp;
  data?: Record<string, unknown>;
}

/**
 * A checker's verdict, as Jepsen's: `true` (nothing found), `false` (anomalies), or `'unknown'`
 * when the checker itself failed: a harness bug, never to be read as a system bug (or a pass).
 */
export type Validity = boolean | 'unknown';

export interface CheckResult {
  name: string;
  valid: Validity;
  anomalies: Anomaly[];
  error?: string; // the checker itself threw: the verdict is unknown
}

/** Merges verdicts: true < unknown < false (an anomaly found stands; otherwise an unknown does). */
export function mergeValidity(vs: readonly Validity[]): Validity {
  if (vs.includes(false)) return false;
  return vs.includes('unknown') ? 'unknown' : true;
}

export type Checker = (input: CheckInput) => CheckResult;

export function result(name: string, anomalies: Anomaly[]): CheckResult {
  return { name, valid: anomalies.length === 0, anomalies };
}
