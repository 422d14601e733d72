import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { loadMutants } from './mutant.ts';

// Whether each mutant still applies to today's code is `npm run mutants -- --check` (system/ moves
// under the mutants); here: the fixtures are valid and cover what the self-test must cover.
describe('fixtures/mutants', () => {
  const mutants = loadMutants(
    join(PROJECT_ROOT, 'fixtures', 'mutants'),
    SCENARIOS.map((s) => s.name),
  );
  const ids = mutants.map((m) => m.id);
  const touches = (file: string) => mutants.filter((m) => m.edits.some((e) => e.file === file)).map((m) => m.id);

  it('holds at least 20 valid mutants, each declaring the runs meant to kill it and why', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(20);
    for (const m of mutants) {
      expect(m.cells?.length, m.id).toBeGreaterThan(0);
      expect(m.killedBy?.length ?? 0, m.id).toBeGreaterThan(20);
    }
  });

  it('spans the command service, the outbox write, the relay and the projector', () => {
    const dirs = new Set(mutants.flatMap((m) => m.edits.map((e) => e.file.split('/')[1])));
    for (const d of ['commandService', 'relay', 'projector']) expect(dirs).toContain(d);
    expect(mutants.some((m) => m.edits.some((e) => /INSERT INTO outbox/.test(e.find)))).toBe(true);
  });

  it('plants bugs in the group commit, the claim/send/mark pipeline and the projector paths', () => {
    for (const f of ['planGroup.ts', 'groupStore.ts', 'groupCommit.ts', 'handleCommand.ts'])
      expect(touches(`system/commandService/${f}`), f).not.toEqual([]);
    for (const f of ['outboxStore.ts', 'relay.ts', 'marker.ts']) expect(touches(`system/relay/${f}`), f).not.toEqual([]);
    for (const f of ['decide.ts', 'projectRun.ts', 'projectEvent.ts', 'projector.ts', 'deadLetterSink.ts', 'dlqRecord.ts', 'progress.ts']) {
      expect(touches(`system/projector/${f}`), f).not.toEqual([]);
    }
  });

  it('includes the subtle pair: inbox check removed alone and version check removed alone', () => {
    expect(ids).toEqual(
      expect.arrayContaining([
        'projector-inbox-check-removed',
        'projector-version-check-removed',
        'projector-inbox-and-version-check-removed',
      ]),
    );
  });

  it('removes each inbox check on both projector paths, so the pair differs only in what it names', () => {
    const files = (id: string) => new Set(mutants.find((m) => m.id === id)!.edits.map((e) => e.file));
    for (const id of ['projector-inbox-check-removed', 'projector-inbox-and-version-check-removed']) {
      expect([...files(id)].sort(), id).toEqual([
        'system/projector/decide.ts',
        'system/projector/projectEvent.ts',
        'system/projector/projectRun.ts',
      ]);
    }
  });
});
