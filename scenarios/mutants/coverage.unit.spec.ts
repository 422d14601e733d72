import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { coveringCells, harnessFiles, targetsHash, type CoverageMap } from './coverage.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the coverage map key', () => {
  it('covers the harness files that decide what a run executes, not their tests', () => {
    const files = harnessFiles(PROJECT_ROOT);
    expect(files).toContain('scenarios/catalog/scenarios.ts');
    expect(files).toContain('scenarios/faults/groupCollisionFamily.ts');
    expect(files).toContain('fixtures/fault-profiles/db-crash.json');
    expect(files.some((f) => f.endsWith('.spec.ts'))).toBe(false);
    expect(files.some((f) => f.startsWith('scenarios/checkers/'))).toBe(false); // judging runs no system code
  });

  it('changes when a fault profile changes, so a new fault is recorded again', () => {
    const root = mkdtempSync(join(tmpdir(), 'coverage-key-'));
    dirs.push(root);
    mkdirSync(join(root, 'system'), { recursive: true });
    mkdirSync(join(root, 'fixtures', 'fault-profiles'), { recursive: true });
    writeFileSync(join(root, 'system', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'fixtures', 'fault-profiles', 'x.json'), '{"schedule":[]}');
    const key = () => targetsHash(root, ['system/a.ts', ...harnessFiles(root)]);
    const before = key();
    expect(key()).toBe(before);
    writeFileSync(join(root, 'fixtures', 'fault-profiles', 'x.json'), '{"schedule":[{"at":1}]}');
    expect(key()).not.toBe(before);
  });

  it('runs a mutant only through the cells whose run executed it, in profile order', () => {
    const map: CoverageMap = {
      targetsHash: 'h',
      recordedAt: 't',
      cells: { 'b@outbox/effectively-once': ['g-1'], 'a@outbox/effectively-once': ['g-1', 'g-2'] },
    };
    const cell = (scenario: string) => ({ scenario, configuration: { publish: 'outbox', consume: 'effectively-once' } }) as const;
    expect(coveringCells(map, 'g-1', [cell('a'), cell('b'), cell('c')]).map((c) => c.scenario)).toEqual(['a', 'b']);
    expect(coveringCells(map, 'g-3', [cell('a')])).toEqual([]);
  });
});
