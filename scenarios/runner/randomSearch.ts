// A search scenario: fast-check generates the fault schedule; when a run fails, fast-check shrinks
// it (each candidate is a real run) to a minimal schedule within a time budget, and prints the
// seed and path that replay exactly that schedule.
import { join } from 'node:path';
import fc from 'fast-check';
import type { Configuration } from '../../system/shared/modes.ts';
import type { Scenario } from '../catalog/types.ts';
import type { FaultSchedule } from '../faults/types.ts';
import { replayCommand, type RunOptions, type ScenarioResult } from './runScenario.ts';

/** Runs one candidate schedule (a real run, or a fake in tests). */
export type RunCandidate = (schedule: FaultSchedule, outDir: string) => Promise<ScenarioResult>;

export interface SearchOutcome {
  result: ScenarioResult;
  tries: number;
  shrinkMs: number;
  truncated: boolean;
}

export async function runRandomSchedule(
  s: Scenario,
  config: Configuration,
  opts: Pick<RunOptions, 'seed' | 'outDir' | 'path' | 'log' | 'expect' | 'rate'> & { shrinkBudgetMs: number; runs?: number },
  runCandidate: RunCandidate,
): Promise<SearchOutcome> {
  if (!s.search) throw new Error(`${s.name} is not a search scenario (it declares no schedules to search)`);
  const results: ScenarioResult[] = [];
  let firstFailureAt = 0;
  let truncated = false;
  const property = fc.asyncProperty(s.search.schedules, async (schedule) => {
    // Past the shrink budget, candidates are not run (counted as passing), so shrinking stops at
    // the smallest failure found so far; a budget of 0 runs none, even a candidate that comes
    // within the same millisecond. (fast-check's own time limit races an async property and would
    // return while a real run is still going on.)
    if (firstFailureAt && Date.now() - firstFailureAt >= opts.shrinkBudgetMs) {
      truncated = true;
      return true;
    }
    const r = await runCandidate(schedule, join(opts.outDir, `try-${results.length + 1}`));
    results.push(r);
    if (!r.ok && firstFailureAt === 0) {
      firstFailureAt = Date.now();
      opts.log?.(`  ${s.name} failed; shrinking for up to ${Math.round(opts.shrinkBudgetMs / 1000)} s…`);
    }
    return r.ok;
  });
  const out = await fc.check(property, {
    seed: opts.seed,
    ...(opts.path ? { path: opts.path } : {}),
    numRuns: opts.path !== undefined ? 1 : (opts.runs ?? 1), // each run is a real scenario run
    endOnFailure: opts.path !== undefined, // replaying a path: run exactly that schedule, no further shrinking
  });
  const shrinkMs = firstFailureAt ? Date.now() - firstFailureAt : 0;
  if (!out.failed) return { result: results[results.length - 1]!, tries: results.length, shrinkMs, truncated };
  // The last failing run is fast-check's smallest counterexample.
  const minimal = [...results].reverse().find((r) => !r.ok)!;
  const path = out.counterexamplePath ?? undefined;
  if (path !== undefined) minimal.path = path;
  else delete minimal.path;
  minimal.seed = out.seed;
  minimal.replay = replayCommand(s.name, config, out.seed, path, opts.expect, opts.rate);
  return { result: minimal, tries: results.length, shrinkMs, truncated };
}
