// The history is the only contract between running and checking (Jepsen). Every line of
// `history.jsonl` is one `HistoryEntry`; `reader.ts` pairs invokes with completions.

/** `fail`: definitely not applied (a 4xx before commit). `unknown`: timeout, reset, 5xx: may or may not. */
export type Outcome = 'ok' | 'fail' | 'unknown';
export const OUTCOMES: readonly Outcome[] = ['ok', 'fail', 'unknown'];

export type CommandKind = 'register' | 'rename' | 'delete';
export const COMMAND_KINDS: readonly CommandKind[] = ['register', 'rename', 'delete'];

/** Monotonic ms since the run started (for ordering and durations) + wall clock (to match DB/Kafka times). */
export interface Timestamp {
  ms: number;
  wall: string; // ISO-8601 UTC
}

export interface InvokeEntry {
  type: 'invoke';
  id: number; // unique per run, assigned by the recorder
  process: number; // the client worker that sent it
  kind: CommandKind;
  userId: string; // = stream id
  name?: string;
  expectedVersion?: number;
  dateRegister?: string; // register only: the date sent
  idempotencyKey: string; // = the event's causation id when applied
  /** Why the workload sent it: `valid`, a deliberate conflict or bad value, or `resend`. */
  intent?: string;
  /** The status the workload's model predicted (absent when the stream's state was uncertain). */
  predicted?: number;
  /** A deliberate re-send of op `resendOf` with the same key: the answer must be the first one's. */
  resendOf?: number;
  t: Timestamp;
}

export interface CompletionResult {
  outcome: Outcome;
  // Absent or undefined alike: not known (the history's JSON drops undefined).
  status?: number | undefined; // HTTP status, when there was a response
  version?: number | undefined; // stream version of the appended event (ok)
  eventId?: string | undefined; // id of the appended event (ok)
  error?: string;
}

export interface CompleteEntry extends CompletionResult {
  type: 'complete';
  id: number; // the invoke's id
  t: Timestamp;
}

/**
 * What a fault kind does, declared by its family and recorded with each fault in the history, so
 * the runner and the checkers need no list of kind names:
 * - `on-link`: a proxy call starts and heals it, so its timing is the schedule's;
 * - `crashes-process`: a process dies without a clean shutdown (its in-flight work is lost);
 * - `dies-at-start`: the target process is gone at the window's start (kill, restart);
 * - `crash-point`: the target dies at its armed crash point (when is recorded as a crash);
 * - `copies-records`: it puts copies of real events on the topic (duplicates on purpose);
 * - `republishes-rows`: it makes the publisher send rows again, each recorded as an injection;
 * - `acts-on-brokers`: it kills or cuts brokers (those leading the partitions of the topic it names,
 *   or the controller), which stalls or fails the publisher's sends.
 */
export const FAULT_TRAITS = [
  'on-link',
  'crashes-process',
  'dies-at-start',
  'crash-point',
  'copies-records',
  'republishes-rows',
  'acts-on-brokers',
] as const;
export type FaultTrait = (typeof FAULT_TRAITS)[number];

export interface FaultEntry {
  type: 'fault';
  phase: 'start' | 'stop';
  faultId: number; // index in the schedule: pairs start with stop
  fault: string; // FaultKind (kept as string so history/ does not depend on faults/)
  target: string;
  params?: Record<string, unknown>;
  /** Its kind's traits (absent in histories recorded before kinds declared them). */
  traits?: FaultTrait[];
  /**
   * On a start: when the nemesis began applying it. `t` is when applying ended; a fault whose
   * apply takes a while (a held link, then an election, then a restart) acts from `began`.
   */
  began?: Timestamp;
  t: Timestamp;
  error?: string; // the nemesis could not apply / heal it
}

/** First line of a run: enough to rebuild reports from the history alone. */
export interface MetaEntry {
  type: 'meta';
  scenario: string;
  configuration?: Record<string, string>;
  seed?: number;
  path?: string;
  t: Timestamp;
}

/** Something the nemesis put on a topic itself (poison, a duplicate, a stale redelivery), with where
 *  it landed: the checkers read these from the history, never from the nemesis's memory. */
export interface InjectionEntry {
  type: 'inject';
  faultId?: number; // the fault window that injected it
  what: 'poison' | 'duplicate' | 'stale' | 'reversed-pair' | 'dead-letter-valid' | 'conflict' | 'overtake' | 'blocked-duplicate' | 'fuzz';
  topic: string;
  partition: number;
  offset: string; // int64 as a string
  key?: string | null;
  eventId?: string; // when the record carries an event id (a copy of a real event, a forged one)
  streamId?: string;
  streamVersion?: number;
  poisonId?: string; // poison and conflict: the POISON_ID_HEADER value
  case?: string; // poison: the fixture name; conflict: other-id or other-content
  /** fuzz-records: `<seed>/<index>`, the record's place in what the seed draws (its own headers may be fuzzed). */
  fuzzId?: string;
  /** fuzz-records: what was drawn, in a few words. */
  shape?: string;
  /** fuzz-records: the exact record produced (also for copies of applied events, recorded as `duplicate`). */
  record?: InjectedRecord;
  /** The broker refused the record (nothing landed; partition and offset are -1). */
  refused?: string;
  t: Timestamp;
}

/** A record's bytes as produced: base64, null kept null, headers in wire order (names may repeat). */
export interface InjectedRecord {
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

/** A read of the query API during the run (monotonic-reads checker). */
export interface ReadEntry {
  type: 'read';
  reader: number; // one reader = one session whose reads must not go back in time
  userId: string;
  status: number; // HTTP status (200, 404, …)
  version?: number; // the version the read model answered with
  deleted?: boolean;
  /** History-clock ms just before the request was sent (absent in runs recorded before it was). */
  sentMs?: number;
  /** Read through a page of `GET /users?page=` (absent: `GET /users/:id`): one entry per item. */
  page?: PageOfRead;
  t: Timestamp; // when the answer arrived
}

/** The page answer an item came in: what the page says about itself. */
export interface PageOfRead {
  /** Unique per page answer in a run: groups its items. */
  read: number;
  number: number; // 1-based
  size: number;
  total: number;
  /** Items in the answer. */
  count: number;
}

/**
 * One answered page of `GET /users?page=`, empty ones included (its items are also recorded as
 * reads of their users): what `page-inconsistent` judges.
 */
export interface PageEntry extends PageOfRead {
  type: 'page';
  reader: number;
  /** The items' user ids, in the order answered. */
  userIds: string[];
  /** History-clock ms just before the request was sent. */
  sentMs?: number;
  t: Timestamp;
}

/** A named crash point that fired inside a system process (from the process's crash log). */
export interface CrashEntry {
  type: 'crash';
  point: string; // e.g. relay.after-send-before-mark
  target: string; // process target, e.g. relay or projector#2
  pass: number;
  pid?: number;
  /** When the process died, by its own clock (ms since epoch); `t` is when the harness noticed. */
  firedAt?: number;
  t: Timestamp;
}

export type HistoryEntry = InvokeEntry | CompleteEntry | FaultEntry | MetaEntry | InjectionEntry | ReadEntry | PageEntry | CrashEntry;

/** An invoke paired with its completion: what checkers read. */
export interface CommandOp {
  id: number;
  process: number;
  kind: CommandKind;
  userId: string;
  name?: string;
  expectedVersion?: number;
  dateRegister?: string;
  idempotencyKey: string;
  intent?: string;
  predicted?: number;
  resendOf?: number;
  invoke: Timestamp;
  complete: Timestamp | null; // null: never completed (run cut short) → outcome unknown
  outcome: Outcome;
  status?: number | undefined; // as in CompletionResult: absent or undefined, not known
  version?: number | undefined;
  eventId?: string | undefined;
  error?: string;
}

/** A fault start paired with its stop; `stop` null when it was never healed in the history. */
export interface FaultWindow {
  faultId: number;
  fault: string;
  target: string;
  params?: Record<string, unknown>;
  traits?: FaultTrait[];
  /** When applying began (absent in older histories: then `start`). */
  began?: Timestamp;
  start: Timestamp;
  stop: Timestamp | null;
  error?: string;
}

/** Header the poison injector sets on every poison record, so the checker can find it again. */
export const POISON_ID_HEADER = 'poison-id';

/** A poison record the nemesis put on the topic, and where it landed. */
export interface PoisonInjection {
  poisonId: string; // also in the record's POISON_ID_HEADER
  case: string; // fixture name
  partition?: number;
  offset?: string;
  eventId?: string; // when the poison carries an event-id header
}
