// What the unit tier says of a mutant the scenarios let through: its unit specs that import the
// mutated file (`vitest related`), run on a scratch copy with the mutant applied. Reported beside
// the score, never in it: the score is the harness's, and a bug only a unit test sees is one the
// harness would miss on a system whose unit tests were weaker.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MutatedFile } from './apply.ts';
import { runChild } from './child.ts';
import { createScratch } from './scratch.ts';

export interface UnitVerdict {
  status: 'killed' | 'passed' | 'error';
  /** The specs (path › test name) that failed on the mutant. */
  failed: string[];
  detail?: string;
}

interface VitestJson {
  numTotalTests?: number;
  testResults?: { name: string; assertionResults?: { status: string; fullName: string }[] }[];
}

/** The verdict from vitest's JSON report (pure): a failing assertion kills; no report is an error. */
export function unitVerdict(json: VitestJson | undefined, root: string, exitCode: number | null): UnitVerdict {
  if (!json?.testResults) return { status: 'error', failed: [], detail: `vitest wrote no JSON report (exit ${exitCode})` };
  const failed = json.testResults.flatMap((f) =>
    (f.assertionResults ?? [])
      .filter((a) => a.status === 'failed')
      .map((a) => `${f.name.startsWith(root) ? f.name.slice(root.length + 1) : f.name} › ${a.fullName}`),
  );
  if (failed.length > 0) return { status: 'killed', failed };
  if (exitCode !== 0) return { status: 'error', failed, detail: `vitest exited ${exitCode} with no failing test (a suite did not load?)` };
  return { status: 'passed', failed };
}

export async function runUnitTier(
  root: string,
  id: string,
  files: readonly MutatedFile[],
  o: { env: NodeJS.ProcessEnv; logFile: string; timeoutMs?: number },
): Promise<UnitVerdict> {
  const scratch = createScratch(root, id, files);
  try {
    const out = join(scratch.dir, 'unit-tier.json');
    const run = await runChild({
      cwd: scratch.dir,
      args: [
        join(scratch.dir, 'node_modules', 'vitest', 'vitest.mjs'),
        'related',
        '--run',
        '--project',
        'unit',
        '--reporter=json',
        `--outputFile=${out}`,
        ...files.map((f) => f.file),
      ],
      env: { ...o.env, CI: 'true' },
      logFile: o.logFile,
      timeoutMs: o.timeoutMs ?? 300_000,
    });
    if (run.timedOut) return { status: 'error', failed: [], detail: 'the unit tier did not finish in time' };
    const json = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as VitestJson) : undefined;
    return unitVerdict(json, scratch.dir, run.exitCode);
  } finally {
    scratch.remove();
  }
}
