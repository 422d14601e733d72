// The guarantee matrix as data: which anomalies each configuration may (allowed) or must
// (required) show. A result matches only if nothing unexpected was found and nothing required is missing.
import { ANOMALY_NAMES, type Anomaly, type AnomalyName, type CheckResult } from './types.ts';

export const PUBLISH_MODES = ['outbox', 'dual-write'] as const;
export const CONSUME_MODES = ['effectively-once', 'at-least-once', 'at-most-once'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];
export type ConsumeMode = (typeof CONSUME_MODES)[number];
export interface Configuration {
  publish: PublishMode;
  consume: ConsumeMode;
}

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
  return { ok: unexpected.length === 0 && missing.length === 0 && checkerErrors.length === 0, found: distinct, expected, excused, unexpected, missing, checkerErrors };
}

/** What the design promises per configuration (DESIGN.md table; issue 4, guarantee matrix). */
export function expectationFor(
  config: Configuration,
  scenario: string,
  opts: { crashes?: boolean; injectsDuplicates?: boolean } = {},
): Expectation {
  const crashes = opts.crashes ?? true;
  if (config.publish === 'outbox') {
    if (config.consume === 'effectively-once') return { required: [], allowed: [], why: 'outbox + inbox: no loss, no duplicate, converges' };
    if (config.consume === 'at-least-once') return { required: [], allowed: ['duplicated'], why: 'at-least-once: duplicates possible' };
    // Without an inbox nothing recognises an event the broker hands over twice: duplicates
    // injected upstream (re-publish, offset rewind) are applied again. Committing first only
    // stops the consumer from causing duplicates itself.
    const injected = opts.injectsDuplicates ?? scenario === 'duplicate-delivery';
    return {
      required: [],
      allowed: [...(crashes ? ['lost' as const] : []), ...(injected ? ['duplicated' as const] : [])],
      why: injected ? 'at-most-once has no inbox: injected duplicates are applied again' : 'at-most-once: loss possible on crash',
    };
  }
  const allowed: AnomalyName[] = config.consume === 'at-least-once' ? ['lost', 'duplicated'] : ['lost'];
  // The seed's original bug: committing then publishing loses the event when the broker is down.
  const required: AnomalyName[] = scenario === 'broker-outage' ? ['lost'] : [];
  return { required, allowed, why: 'dual-write: commit then publish loses events the broker never took' };
}
