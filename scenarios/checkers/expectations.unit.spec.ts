import { describe, expect, it } from 'vitest';
import { compareWithExpectation, expectationFor, type Configuration } from './expectations.ts';

const cfg = (publish: Configuration['publish'], consume: Configuration['consume']): Configuration => ({ publish, consume });

describe('expectations', () => {
  it('outbox + effectively-once: any anomaly is unexpected', () => {
    const e = expectationFor(cfg('outbox', 'effectively-once'), 'kill-projector');
    expect(compareWithExpectation([], e).ok).toBe(true);
    expect(compareWithExpectation(['duplicated'], e)).toMatchObject({ ok: false, unexpected: ['duplicated'] });
  });

  it('outbox + at-least-once: only duplicated allowed', () => {
    const e = expectationFor(cfg('outbox', 'at-least-once'), 'kill-projector');
    expect(compareWithExpectation(['duplicated'], e)).toMatchObject({ ok: true, expected: ['duplicated'] });
    expect(compareWithExpectation(['duplicated', 'lost'], e)).toMatchObject({ ok: false, unexpected: ['lost'] });
  });

  it('outbox + at-most-once: lost allowed under crashes, and its consequences excused', () => {
    const e = expectationFor(cfg('outbox', 'at-most-once'), 'kill-projector');
    expect(compareWithExpectation(['lost', 'diverged', 'slow-convergence'], e)).toMatchObject({ ok: true, excused: ['diverged', 'slow-convergence'] });
    expect(compareWithExpectation(['diverged'], e)).toMatchObject({ ok: false, unexpected: ['diverged'] }); // no cause found
    expect(compareWithExpectation(['lost'], expectationFor(cfg('outbox', 'at-most-once'), 'slow-links', { crashes: false })).ok).toBe(false);
  });

  it('dual-write under broker-outage: lost is REQUIRED, its absence fails', () => {
    const e = expectationFor(cfg('dual-write', 'effectively-once'), 'broker-outage');
    expect(compareWithExpectation([], e)).toMatchObject({ ok: false, missing: ['lost'] });
    expect(compareWithExpectation(['lost', 'diverged'], e).ok).toBe(true);
    expect(expectationFor(cfg('dual-write', 'effectively-once'), 'kill-relay').required).toEqual([]);
  });

  it('dedupes names from anomaly records and keeps a stable order', () => {
    const found = [{ name: 'lost' as const, message: '' }, { name: 'duplicated' as const, message: '' }, { name: 'lost' as const, message: '' }];
    expect(compareWithExpectation(found, { required: [], allowed: [] }).found).toEqual(['lost', 'duplicated']);
  });

  it('a checker error is never ok', () => {
    const v = compareWithExpectation([], { required: [], allowed: [] }, { results: [{ name: 'lost', valid: false, anomalies: [], error: 'boom' }] });
    expect(v).toMatchObject({ ok: false, checkerErrors: ['lost: boom'] });
  });
});

describe('at-most-once under injected duplicates', () => {
  it('allows duplicated only in duplicate-delivery (no inbox), never elsewhere', () => {
    const amo = { publish: 'outbox', consume: 'at-most-once' } as const;
    expect(expectationFor(amo, 'duplicate-delivery', { crashes: false }).allowed).toEqual(['duplicated']);
    expect(expectationFor(amo, 'kill-projector', { crashes: true }).allowed).toEqual(['lost']);
    expect(expectationFor({ publish: 'outbox', consume: 'effectively-once' }, 'duplicate-delivery').allowed).toEqual([]);
  });
});
