import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFinalState } from './finalStateFile.ts';
import { syntheticFinalState } from './testing.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('loadFinalState', () => {
  it("reads the record folder's final-state.json, or nothing when there is none", () => {
    dir = mkdtempSync(join(tmpdir(), 'final-'));
    expect(loadFinalState(dir)).toBeUndefined();
    const final = syntheticFinalState();
    writeFileSync(join(dir, 'final-state.json'), JSON.stringify(final));
    expect(loadFinalState(dir)).toEqual(final);
  });
});
