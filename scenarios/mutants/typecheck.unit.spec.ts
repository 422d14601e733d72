import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTypeChecker } from './typecheck.ts';

// A tiny project of its own, so the check runs in well under a second.
function project(source: string): string {
  const root = mkdtempSync(join(tmpdir(), 'mutants-tc-'));
  mkdirSync(join(root, 'system'));
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], lib: ['ES2022'], target: 'ES2022' }, include: ['system'] }),
  );
  writeFileSync(join(root, 'system', 'a.ts'), source);
  return root;
}

describe('createTypeChecker', () => {
  it('passes a mutation that typechecks and reports one that does not, with its line', () => {
    const original = 'export function f(x: number): number {\n  return x + 1;\n}\n';
    const tc = createTypeChecker(project(original));
    expect(tc.check([{ file: 'system/a.ts', original, mutated: original.replace('x + 1', 'x - 1'), lines: [2] }])).toEqual([]);
    const errors = tc.check([{ file: 'system/a.ts', original, mutated: original.replace('x + 1', "'x'"), lines: [2] }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^system\/a\.ts:2: Type 'string' is not assignable to type 'number'/);
  });

  it('does not blame the mutant for errors the file already had', () => {
    const original = 'export const s: string = 2;\nexport const n = 1;\n';
    const tc = createTypeChecker(project(original));
    expect(tc.check([{ file: 'system/a.ts', original, mutated: original.replace('n = 1', 'n = 2'), lines: [2] }])).toEqual([]);
  });

  it('leaves the file on disk alone and says when a file is outside the project', () => {
    const original = 'export const n = 1;\n';
    const root = project(original);
    const tc = createTypeChecker(root);
    tc.check([{ file: 'system/a.ts', original, mutated: 'export const n: string = 1;\n', lines: [1] }]);
    expect(tc.check([{ file: 'system/a.ts', original, mutated: original.replace('1', '3'), lines: [1] }])).toEqual([]);
    expect(tc.check([{ file: 'other/b.ts', original: '', mutated: 'x', lines: [1] }])).toEqual([
      'other/b.ts: not part of the project (tsconfig.json include)',
    ]);
  });

  it('judges a mutant that edits two files with both edits in place', () => {
    const a = 'export function f(x: number): number {\n  return x;\n}\n';
    const b = "import { f } from './a.ts';\nexport const y = f(1);\n";
    const root = project(a);
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          types: [],
          lib: ['ES2022'],
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          allowImportingTsExtensions: true,
        },
        include: ['system'],
      }),
    );
    writeFileSync(join(root, 'system', 'b.ts'), b);
    const tc = createTypeChecker(root);
    const twoFiles = [
      { file: 'system/a.ts', original: a, mutated: a.replace('x: number', 'x: number, y: number'), lines: [1] },
      { file: 'system/b.ts', original: b, mutated: b.replace('f(1)', 'f(1, 2)'), lines: [2] },
    ];
    expect(tc.check(twoFiles)).toEqual([]);
    expect(tc.check([twoFiles[1]!])).toEqual([expect.stringMatching(/^system\/b\.ts:2: Expected 1 arguments, but got 2/)]);
  });
});
