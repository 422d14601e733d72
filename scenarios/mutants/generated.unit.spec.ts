// StrykerJS's instrumenter on a real target file (no servers): the mutants it lists become edits
// that apply at their exact place, with ids that do not change between runs.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits } from './apply.ts';
import { coveringCells, readCoverageDir } from './coverage.ts';
import { GENERATED_TARGETS, instrument, offsetOf, targetFiles, toMutant } from './generated.ts';

const SOURCE = `// a comment
import { crashPoint } from './crash.ts';
export function decide(a: number, b: number, log: { info(m: string): void }): boolean {
  log.info('deciding');
  const limit = counter({ name: 'faultline_x_total', help: 'x' });
  crashPoint('x');
  return withSpan('span name', () => a > b && b !== 0);
}
`;

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'faultline-generated-'));
  mkdirSync(join(root, 'system', 'x'), { recursive: true });
  writeFileSync(join(root, 'system', 'x', 'decide.ts'), SOURCE);
  return root;
}

describe('generated mutants', () => {
  it('lists mutants that apply at their exact place, with stable ids', { timeout: 60_000 }, async () => {
    const root = fixture();
    const first = await instrument(root, ['system/x/decide.ts']);
    const again = await instrument(root, ['system/x/decide.ts']);
    expect(first.mutants.length).toBeGreaterThan(5);
    expect(again.mutants.map((m) => m.id)).toEqual(first.mutants.map((m) => m.id));
    expect(new Set(first.mutants.map((m) => m.id)).size).toBe(first.mutants.length);
    for (const m of first.mutants) {
      expect(SOURCE.slice(m.offset, m.offset + m.original.length)).toBe(m.original);
      const [file] = applyEdits(toMutant(m), (f) => readFileSync(join(root, f), 'utf8'));
      expect(file!.mutated).toBe(SOURCE.slice(0, m.offset) + m.replacement + SOURCE.slice(m.offset + m.original.length));
    }
    const comparison = first.mutants.find((m) => m.original === 'a > b' && m.replacement === 'a >= b');
    expect(comparison).toMatchObject({ mutatorName: 'EqualityOperator', line: 7 });
    // the switched-in copy carries every mutant for the coverage run
    expect(first.files[0]!.content).toContain('stryMutAct_9fa48');
  });

  it(
    'leaves out exactly the observability calls: log line, metric definition, span name; never the work',
    { timeout: 60_000 },
    async () => {
      const { mutants } = await instrument(fixture(), ['system/x/decide.ts']);
      const originals = mutants.map((m) => m.original);
      expect(originals).not.toContain("'deciding'");
      expect(originals).not.toContain("log.info('deciding')");
      expect(originals).not.toContain("'faultline_x_total'");
      expect(originals).not.toContain("'span name'");
      expect(originals).toContain("'x'"); // the crash point's name is not observability
      expect(originals.some((o) => o.includes('a > b && b !== 0'))).toBe(true); // the span's callback is mutated
    },
  );

  it(
    'leaves out a log statement, a callback that only logs and a block of only logs; not what else they hold',
    { timeout: 60_000 },
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'faultline-generated-'));
      mkdirSync(join(root, 'system', 'x'), { recursive: true });
      writeFileSync(
        join(root, 'system', 'x', 'f.ts'),
        `export function f(o: { logger: { warn(...a: unknown[]): void } }, x: number, p: Promise<void>): number {
  o.logger.warn({ x }, 'w');
  p.catch((err: unknown) => o.logger.warn({ err }, 'disconnect failed'));
  if (x > 1) {
    o.logger.warn({ x }, 'only a log');
  }
  return x;
}
`,
      );
      const { mutants } = await instrument(root, ['system/x/f.ts']);
      const originals = mutants.map((m) => m.original);
      expect(originals).not.toContain("o.logger.warn({ x }, 'w');");
      expect(originals).not.toContain("(err: unknown) => o.logger.warn({ err }, 'disconnect failed')");
      expect(originals).not.toContain("{\n    o.logger.warn({ x }, 'only a log');\n  }");
      // removing the catch leaves a rejection unhandled: that is work, not observability
      expect(originals).toContain("p.catch((err: unknown) => o.logger.warn({ err }, 'disconnect failed'));");
      expect(originals).toContain('x > 1');
    },
  );

  it('targets every listed file and no test, entry point or settings file', () => {
    const files = targetFiles('.');
    expect(files.length).toBeGreaterThan(30);
    expect(files.filter((f) => /\.spec\.ts$|\/(main|config|metrics)\.ts$/.test(f))).toEqual([]);
    for (const t of GENERATED_TARGETS) expect(files.some((f) => f.startsWith(t))).toBe(true);
  });

  it('finds the offset of a 1-based line and 0-based column', () => {
    expect(offsetOf('ab\ncd\nef', 2, 1)).toBe(4);
    expect(() => offsetOf('ab', 3, 0)).toThrow(/past the end/);
  });

  it('maps the ids each process wrote to the runs that executed them, in the profile order', () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-coverage-'));
    writeFileSync(join(root, 'relay-1.json'), JSON.stringify(['1', '2']));
    writeFileSync(join(root, 'harness-2.json'), JSON.stringify(['2', '9']));
    expect(
      readCoverageDir(
        root,
        new Map([
          ['1', 'g-a'],
          ['2', 'g-b'],
        ]),
      ),
    ).toEqual(['g-a', 'g-b']);
    const cfg = { publish: 'outbox', consume: 'effectively-once' } as const;
    const profile = [
      { scenario: 'kill-relay', configuration: cfg },
      { scenario: 'slow-links', configuration: cfg },
    ];
    const map = {
      targetsHash: 'h',
      recordedAt: '',
      cells: { 'slow-links@outbox/effectively-once': ['g-a'], 'kill-relay@outbox/effectively-once': ['g-a', 'g-b'] },
    };
    expect(coveringCells(map, 'g-a', profile).map((c) => c.scenario)).toEqual(['kill-relay', 'slow-links']);
    expect(coveringCells(map, 'g-z', profile)).toEqual([]);
  });
});
