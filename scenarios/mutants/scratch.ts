// A scratch copy of the repository for one mutant: the working tree as it is (uncommitted changes
// included) minus run state, reports, git data and node_modules (symlinked to the real one), with
// the mutated files written over it. Its processes then run from its own files, and its
// environment keeps its state in its own run directory.
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { MutatedFile } from './apply.ts';

/** Top-level entries never copied: run state, reports, VCS data, dependencies. */
const SKIP_TOP = new Set(['.git', 'node_modules', 'reports', '.cache']);
const skipped = (rel: string) => {
  const top = rel.split(sep)[0]!;
  return SKIP_TOP.has(top) || top.startsWith('.faultline') || top.startsWith('.mutants');
};

export interface Scratch {
  dir: string;
  runDir: string; // FAULTLINE_RUN_DIR of its environment
  remove(): void;
}

export function createScratch(root: string, mutantId: string, files: readonly MutatedFile[]): Scratch {
  const dir = mkdtempSync(join(tmpdir(), `faultline-mutant-${mutantId}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    cpSync(root, dir, {
      recursive: true,
      filter: (src) => {
        const rel = relative(root, src);
        return rel === '' || !skipped(rel);
      },
    });
    symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'), 'dir');
    for (const f of files) writeFileSync(join(dir, f.file), f.mutated);
  } catch (err) {
    remove();
    throw new Error(`scratch copy for ${mutantId} failed: ${(err as Error).message}`);
  }
  return { dir, runDir: join(dir, '.faultline'), remove };
}
