import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScratch } from './scratch.ts';

function fakeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'mutants-repo-'));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put('system/relay/relay.ts', 'await publish(rows);\n');
  put('scenarios/cli/scenarios.ts', '// cli\n');
  put('node_modules/tsx/package.json', '{}');
  put('.git/HEAD', 'ref: refs/heads/main\n');
  put('reports/old/report.json', '{}');
  put('.faultline/env.json', '{}');
  put('.faultline-mutants/env.json', '{}');
  put('.gitignore', 'node_modules\n');
  return root;
}

describe('createScratch', () => {
  it('copies the tree without run state, reports or git, links node_modules, and writes the mutation', () => {
    const root = fakeRepo();
    const s = createScratch(root, 'relay-bug', [
      { file: 'system/relay/relay.ts', original: 'await publish(rows);\n', mutated: 'void publish(rows);\n', lines: [1] },
    ]);
    try {
      expect(readFileSync(join(s.dir, 'system/relay/relay.ts'), 'utf8')).toBe('void publish(rows);\n');
      expect(readFileSync(join(root, 'system/relay/relay.ts'), 'utf8')).toBe('await publish(rows);\n');
      expect(existsSync(join(s.dir, 'scenarios/cli/scenarios.ts'))).toBe(true);
      expect(existsSync(join(s.dir, '.gitignore'))).toBe(true);
      for (const gone of ['.git', 'reports', '.faultline', '.faultline-mutants']) expect(existsSync(join(s.dir, gone)), gone).toBe(false);
      expect(lstatSync(join(s.dir, 'node_modules')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(s.dir, 'node_modules'))).toBe(realpathSync(join(root, 'node_modules')));
      expect(s.runDir).toBe(join(s.dir, '.faultline'));
    } finally {
      s.remove();
    }
    expect(existsSync(s.dir)).toBe(false);
  });

  it('removes a half-made copy and says which mutant failed', () => {
    const root = fakeRepo();
    const leftovers = () => readdirSync(tmpdir()).filter((d) => d.startsWith('faultline-mutant-bad-'));
    const before = leftovers();
    expect(() => createScratch(root, 'bad', [{ file: 'system/missing/dir/x.ts', original: '', mutated: 'x', lines: [1] }])).toThrow(
      /scratch copy for bad failed/,
    );
    expect(leftovers()).toEqual(before);
  });
});
