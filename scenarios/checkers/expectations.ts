// The guarantee matrix as data: which anomalies each configuration may (allowed) or must
// (required) show. A result matches only if nothing unexpected was found and nothing required is missing.
import type { Configuration } from '../../system/shared/modes.ts';
import { ANOMALY_NAMES, type Anomaly, type AnomalyName, type CheckResult } from './types.ts';

export function configurationLabel(c: Configuration): string {
  return `${c.publish}/${c.consume}`;
}

export interface Expectation {
  required: AnomalyName[]; // must be found, or the harness is not sensitive enough
  allowed: AnomalyName[]; // may be found (required ones are implicitly allowed)
  why?: string;
}

/**
 * Anomalies that follow from another one: a lost event also leaves the read model ≠ fold
 * (diverged) and never converging. Excused only when the cause was itself found AND expected.
 */
export const CONSEQUENCES: Readonly<Partial<Record<AnomalyName, readonly AnomalyName[]>>> = {
  lost: ['diverged', 'slow-convergence'],
};

export interface ExpectationVerdict {
  ok: boolean;
  found: AnomalyName[]; // distinct, in ANOMALY_NAMES order
  expected: AnomalyName[]; // found and allowed/required
  excused: AnomalyName[]; // found, not allowed, but a consequence of an expected one
  unexpected: AnomalyName[];
  missing: AnomalyName[]; // required, not found
  checkerErrors: string[]; // a checker threw: never ok
}

export function compareWithExpectation(
  found: readonly (Anomaly | AnomalyName)[],
  exp: Expectation,
  opts: { consequences?: typeof CONSEQUENCES; results?: readonly CheckResult[] } = {},
): ExpectationVerdict {
  const names = new Set(found.map((f) => (typeof f === 'string' ? f : f.name)));
  const distinct = ANOMALY_NAMES.filter((n) => names.has(n));
  const allowed = new Set([...exp.allowed, ...exp.required]);
  const expected = distinct.filter((n) => allowed.has(n));
  const consequences = opts.consequences ?? CONSEQUENCES;
  const excusable = new Set(expected.flatMap((n) => consequences[n] ?? []));
  const excused = distinct.filter((n) => !allowed.has(n) && excusable.has(n));
  const unexpected = distinct.filter((n) => !allowed.has(n) && !excusable.has(n));
  const missing = ANOMALY_NAMES.filter((n) => exp.required.includes(n) && !names.has(n));
  const checkerErrors = (opts.results ?? []).filter((r) => r.error !== undefined).map((r) => `${r.name}: ${r.error}`);
  return {
    ok: unexpected.length === 0 && missing.length === 0 && checkerErrors.length === 0,
    found: distinct,
    expected,
    excused,
    unexpected,
    missing,
    checkerErrors,
  };
}

/**
 * What a scenario declares about itself (in the catalog): traits the matrix reads, and anomalies
 * its fault must produce (or may produce) in configurations that match `when`.
 */
export interface ScenarioTraits {
  /** The faults crash processes: at-most-once may then lose events. */
  crashes: boolean;
  /** The faults put copies of events on the topic (re-publish, rewind, stale redelivery). */
  injectsDuplicates: boolean;
  declared?: readonly DeclaredExpectation[];
}

export interface DeclaredExpectation {
  when: Partial<Configuration>;
  required?: readonly AnomalyName[];
  allowed?: readonly AnomalyName[];
  why: string;
}

const matches = (c: Configuration, when: Partial<Configuration>) =>
  (when.publish === undefined || when.publish === c.publish) && (when.consume === undefined || when.consume === c.consume);

/** The guarantee matrix (docs/design.md) for one configuration, plus what the scenario declares. */
export function expectationFor(config: Configuration, traits: ScenarioTraits): Expectation {
  const base = matrixExpectation(config, traits);
  const declared = (traits.declared ?? []).filter((d) => matches(config, d.when));
  if (declared.length === 0) return base;
  const union = (a: readonly AnomalyName[], b: readonly AnomalyName[]) => ANOMALY_NAMES.filter((n) => a.includes(n) || b.includes(n));
  return {
    required: declared.reduce((acc, d) => union(acc, d.required ?? []), base.required),
    allowed: declared.reduce((acc, d) => union(acc, d.allowed ?? []), base.allowed),
    why: [base.why, ...declared.map((d) => d.why)].filter(Boolean).join('; '),
  };
}

function matrixExpectation(config: Configuration, traits: ScenarioTraits): Expectation {
  if (config.publish === 'outbox') {
    if (config.consume === 'effectively-once')
      return { required: [], allowed: [], why: 'outbox + inbox: no loss, no duplicate, converges' };
    if (config.consume === 'at-least-once') return { required: [], allowed: ['duplicated'], why: 'at-least-once: duplicates possible' };
    // Without an inbox nothing recognises an event the broker hands over twice: duplicates
    // injected upstream (re-publish, offset rewind) are applied again. Committing first only
    // stops the consumer from causing duplicates itself.
    return {
      required: [],
      allowed: [...(traits.crashes ? ['lost' as const] : []), ...(traits.injectsDuplicates ? ['duplicated' as const] : [])],
      why: traits.injectsDuplicates
        ? 'at-most-once has no inbox: injected duplicates are applied again'
        : 'at-most-once: loss possible on crash',
    };
  }
  if (config.publish === 'cdc' || config.publish === 'cdc-eos') return cdcExpectation(config, traits);
  // Dual-write makes no publication promise: it publishes after each commit, outside any order (a
  // stream's versions may reach the topic reversed), and the topic may hold a copy twice.
  const allowed: AnomalyName[] = [
    ...(config.consume === 'at-least-once' ? (['lost', 'duplicated'] as const) : (['lost'] as const)),
    'republished',
    'published-out-of-order',
  ];
  return { required: [], allowed, why: 'dual-write: commit then publish loses events the broker never took' };
}

/**
 * Debezium on Kafka Connect. Without exactly-once support (`cdc`) the worker commits its source
 * offsets every few seconds, after the records: one that dies re-publishes what came after its
 * last commit, so the topic may hold copies (and at-least-once applies them twice) — only where
 * a process dies: a worker that lives keeps its position, and a copy then is a bug. With it
 * (`cdc-eos`) records and offsets commit in one Kafka transaction: a copy on the topic is a
 * failure. The read side's promises are the outbox's.
 */
function cdcExpectation(config: Configuration, traits: ScenarioTraits): Expectation {
  const copies = config.publish === 'cdc' && traits.crashes;
  const consume = matrixExpectation({ publish: 'outbox', consume: config.consume }, traits);
  const allowed = ANOMALY_NAMES.filter(
    (n) =>
      consume.allowed.includes(n) ||
      (copies && n === 'republished') ||
      (copies && n === 'duplicated' && config.consume !== 'effectively-once'),
  );
  return {
    required: [],
    allowed,
    why: copies
      ? `cdc: a Connect worker that dies re-publishes what came after its last offset commit; ${consume.why}`
      : config.publish === 'cdc'
        ? `cdc: no process dies, so the worker keeps its position: no copy on the topic; ${consume.why}`
        : `cdc-eos: records and source offsets commit in one transaction, no copy on the topic; ${consume.why}`,
  };
}
