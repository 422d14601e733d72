import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { loadMutants } from './mutant.ts';

// Whether each mutant still applies to today's code is `npm run mutants -- --check` (system/ moves
// under the mutants); here: the fixtures are valid and cover what the self-test must cover.
describe('fixtures/mutants', () => {
  const mutants = loadMutants(join(PROJECT_ROOT, 'fixtures', 'mutants'), SCENARIOS.map((s) => s.name));

  it('holds at least 12 valid mutants, each declaring the runs meant to kill it', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(12);
    for (const m of mutants) expect(m.cells?.length, m.id).toBeGreaterThan(0);
  });

  it('spans the command service, outbox, relay and projector', () => {
    const dirs = new Set(mutants.flatMap((m) => m.edits.map((e) => e.file.split('/')[1])));
    for (const d of ['commandService', 'relay', 'projector']) expect(dirs).toContain(d);
    expect(mutants.some((m) => m.edits.some((e) => /insertOutbox/.test(e.find)))).toBe(true);
  });

  it('includes the subtle pair: inbox check removed alone and version check removed alone', () => {
    const ids = mutants.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['projector-inbox-check-removed', 'projector-version-check-removed', 'projector-inbox-and-version-check-removed']));
  });
});
