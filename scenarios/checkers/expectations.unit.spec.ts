import { describe, expect, it } from 'vitest';
import type { Configuration } from '../../system/shared/modes.ts';
import { compareWithExpectation, expectationFor, type ScenarioTraits } from './expectations.ts';

const cfg = (publish: Configuration['publish'], consume: Configuration['consume']): Configuration => ({ publish, consume });
const crashing: ScenarioTraits = { crashes: true, injectsDuplicates: false };
const calm: ScenarioTraits = { crashes: false, injectsDuplicates: false };

describe('expectations', () => {
  it('outbox + effectively-once: any anomaly is unexpected', () => {
    const e = expectationFor(cfg('outbox', 'effectively-once'), crashing);
    expect(compareWithExpectation([], e).ok).toBe(true);
    expect(compareWithExpectation(['duplicated'], e)).toMatchObject({ ok: false, unexpected: ['duplicated'] });
  });

  it('per-stream topic order: only dual-write (publish after commit, unordered) may break it', () => {
    for (const consume of ['effectively-once', 'at-least-once', 'at-most-once'] as const) {
      expect(compareWithExpectation(['published-out-of-order'], expectationFor(cfg('outbox', consume), crashing)).ok).toBe(false);
      expect(compareWithExpectation(['published-out-of-order'], expectationFor(cfg('dual-write', consume), crashing)).ok).toBe(true);
    }
  });

  it('outbox + at-least-once: only duplicated allowed', () => {
    const e = expectationFor(cfg('outbox', 'at-least-once'), crashing);
    expect(compareWithExpectation(['duplicated'], e)).toMatchObject({ ok: true, expected: ['duplicated'] });
    expect(compareWithExpectation(['duplicated', 'lost'], e)).toMatchObject({ ok: false, unexpected: ['lost'] });
  });

  it('outbox + at-most-once: lost allowed under crashes, and its consequences excused', () => {
    const e = expectationFor(cfg('outbox', 'at-most-once'), crashing);
    expect(compareWithExpectation(['lost', 'diverged', 'slow-convergence'], e)).toMatchObject({
      ok: true,
      excused: ['diverged', 'slow-convergence'],
    });
    expect(compareWithExpectation(['diverged'], e)).toMatchObject({ ok: false, unexpected: ['diverged'] }); // no cause found
    expect(compareWithExpectation(['lost'], expectationFor(cfg('outbox', 'at-most-once'), calm)).ok).toBe(false);
  });

  it('a declared requirement applies only where its `when` matches: lost REQUIRED, its absence fails', () => {
    const traits: ScenarioTraits = { ...calm, declared: [{ when: { publish: 'dual-write' }, required: ['lost'], why: 'the seed bug' }] };
    const e = expectationFor(cfg('dual-write', 'effectively-once'), traits);
    expect(compareWithExpectation([], e)).toMatchObject({ ok: false, missing: ['lost'] });
    expect(compareWithExpectation(['lost', 'diverged'], e).ok).toBe(true);
    expect(e.why).toContain('the seed bug');
    expect(expectationFor(cfg('outbox', 'effectively-once'), traits)).toMatchObject({ required: [], allowed: [] });
    expect(expectationFor(cfg('dual-write', 'effectively-once'), calm).required).toEqual([]);
  });

  it('a declared allowance widens only the matching configuration', () => {
    const traits: ScenarioTraits = { ...calm, declared: [{ when: { consume: 'at-least-once' }, allowed: ['reordered'], why: 'x' }] };
    expect(expectationFor(cfg('outbox', 'at-least-once'), traits).allowed).toEqual(['duplicated', 'reordered']);
    expect(expectationFor(cfg('outbox', 'effectively-once'), traits).allowed).toEqual([]);
  });

  it('dedupes names from anomaly records and keeps a stable order', () => {
    const found = [
      { name: 'lost' as const, message: '' },
      { name: 'duplicated' as const, message: '' },
      { name: 'lost' as const, message: '' },
    ];
    expect(compareWithExpectation(found, { required: [], allowed: [] }).found).toEqual(['lost', 'duplicated']);
  });

  it('a checker error is never ok', () => {
    const v = compareWithExpectation(
      [],
      { required: [], allowed: [] },
      { results: [{ name: 'lost', valid: false, anomalies: [], error: 'boom' }] },
    );
    expect(v).toMatchObject({ ok: false, checkerErrors: ['lost: boom'] });
  });
});

describe('at-most-once under injected duplicates', () => {
  it('allows duplicated only when the faults inject duplicates (no inbox), never elsewhere', () => {
    const amo = cfg('outbox', 'at-most-once');
    expect(expectationFor(amo, { crashes: false, injectsDuplicates: true }).allowed).toEqual(['duplicated']);
    expect(expectationFor(amo, crashing).allowed).toEqual(['lost']);
    expect(expectationFor(cfg('outbox', 'effectively-once'), { crashes: false, injectsDuplicates: true }).allowed).toEqual([]);
  });

  it('cdc allows copies on the topic only where a process dies; cdc-eos never', () => {
    const ok = (anomalies: string[], c: Configuration, t: ScenarioTraits) =>
      compareWithExpectation(anomalies as never, expectationFor(c, t)).ok;
    expect(ok(['republished'], cfg('cdc', 'effectively-once'), crashing)).toBe(true);
    expect(ok(['republished', 'duplicated'], cfg('cdc', 'at-least-once'), crashing)).toBe(true);
    // a worker that lives keeps its position: a copy then is a bug
    expect(ok(['republished'], cfg('cdc', 'effectively-once'), calm)).toBe(false);
    expect(ok(['republished'], cfg('cdc', 'at-least-once'), calm)).toBe(false);
    // the inbox hides a copy from the read model: a duplicate there is a bug whatever happened
    expect(ok(['duplicated'], cfg('cdc', 'effectively-once'), crashing)).toBe(false);
    expect(ok(['republished'], cfg('cdc-eos', 'effectively-once'), crashing)).toBe(false);
    expect(ok(['lost'], cfg('cdc', 'effectively-once'), crashing)).toBe(false);
  });
});
