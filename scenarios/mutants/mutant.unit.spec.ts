import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMutants, type MutantError, parseCellRef, parseMutant, selectMutants } from './mutant.ts';

const FILE = '/x/fixtures/mutants/relay-bug.json';
const valid = { id: 'relay-bug', description: 'marks before send', file: 'system/relay/relay.ts', find: 'a', replace: 'b' };
const problemsOf = (raw: unknown, known?: string[]) => {
  try {
    parseMutant(raw, FILE, known);
  } catch (err) {
    return (err as MutantError).problems;
  }
  throw new Error('expected a MutantError');
};

describe('parseMutant', () => {
  it('turns the single-edit form into one edit and leaves the runs to the ci profile', () => {
    const m = parseMutant(valid, FILE);
    expect(m.edits).toEqual([{ file: 'system/relay/relay.ts', find: 'a', replace: 'b' }]);
    expect(m.cells).toBeUndefined();
  });

  it('reads scenario references with the default or their own configuration', () => {
    const m = parseMutant(
      { ...valid, scenarios: ['kill-relay', 'kill-projector@outbox/at-least-once'], configuration: { consume: 'at-most-once' } },
      FILE,
      ['kill-relay', 'kill-projector'],
    );
    expect(m.cells).toEqual([
      { scenario: 'kill-relay', configuration: { publish: 'outbox', consume: 'at-most-once' } },
      { scenario: 'kill-projector', configuration: { publish: 'outbox', consume: 'at-least-once' } },
    ]);
  });

  it('names every problem at once: id vs file name, a test file, a no-op edit, unknown fields and scenarios', () => {
    const problems = problemsOf(
      { id: 'other', description: '', file: 'system/relay/relay.unit.spec.ts', find: 'x', replace: 'x', scenarios: ['nope'], extra: 1 },
      ['kill-relay'],
    );
    expect(problems.join('\n')).toMatch(/unknown field "extra"/);
    expect(problems.join('\n')).toMatch(/id "other" must match the file name "relay-bug"/);
    expect(problems.join('\n')).toMatch(/description/);
    expect(problems.join('\n')).toMatch(/is a test/);
    expect(problems.join('\n')).toMatch(/unknown scenario "nope"/);
  });

  it('refuses files outside system/, path tricks, and edits that change nothing', () => {
    expect(problemsOf({ ...valid, file: 'scenarios/runner/suite.ts' }).join()).toMatch(/under system\//);
    expect(problemsOf({ ...valid, file: 'system/../scenarios/x.ts' }).join()).toMatch(/under system\//);
    expect(problemsOf({ ...valid, replace: 'a' }).join()).toMatch(/changes nothing/);
    expect(problemsOf({ ...valid, find: '' }).join()).toMatch(/find must be a non-empty string/);
  });

  it('wants exactly one form of edits and a configuration only with scenarios', () => {
    expect(problemsOf({ ...valid, edits: [{ file: 'system/a.ts', find: 'a', replace: 'b' }] }).join()).toMatch(/not both/);
    expect(problemsOf({ id: 'relay-bug', description: 'd' }).join()).toMatch(/needs file\/find\/replace/);
    expect(problemsOf({ ...valid, configuration: { consume: 'at-least-once' } }).join()).toMatch(/configuration needs scenarios/);
    expect(problemsOf({ ...valid, scenarios: ['x'], configuration: { consume: 'twice' } }).join()).toMatch(/consume must be one of/);
  });

  it('validates each edit of the edits form by its index', () => {
    const problems = problemsOf({
      id: 'relay-bug',
      description: 'd',
      edits: [
        { file: 'system/a.ts', find: 'a', replace: 'b' },
        { file: 'system/b.ts', find: 'a' },
      ],
    });
    expect(problems).toEqual(['edits[1].replace must be a string (may be empty: deletes the text)']);
  });
});

describe('parseCellRef', () => {
  it('rejects malformed references with the expected shape in the message', () => {
    expect(() => parseCellRef('kill-relay@outbox', { publish: 'outbox', consume: 'effectively-once' })).toThrow(/publish\/consume/);
    expect(() => parseCellRef('a@b@c', { publish: 'outbox', consume: 'effectively-once' })).toThrow(/not a scenario reference/);
    expect(
      () => parseCellRef('kill-relay@dual-write/at-least-once', { publish: 'outbox', consume: 'effectively-once' }).configuration,
    ).not.toThrow();
  });
});

describe('loadMutants and selectMutants', () => {
  it('reports every bad file together, each named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mutants-unit-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ ...valid, id: 'good' }));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ ...valid, id: 'wrong', file: 'README.md' }));
    expect(() => loadMutants(dir)).toThrow(
      /broken\.json:\n {2}- not valid JSON[\s\S]*wrong\.json:\n {2}- edit\.file must be a \.ts path under system\//,
    );
  });

  it('keeps fixture order and refuses an unknown id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mutants-unit-'));
    for (const id of ['b-one', 'a-two']) writeFileSync(join(dir, `${id}.json`), JSON.stringify({ ...valid, id }));
    const all = loadMutants(dir);
    expect(all.map((m) => m.id)).toEqual(['a-two', 'b-one']);
    expect(selectMutants(all, ['b-one', 'a-two']).map((m) => m.id)).toEqual(['a-two', 'b-one']);
    expect(() => selectMutants(all, ['c-three'])).toThrow(/unknown mutant c-three; known: a-two, b-one/);
  });
});
