// What `npm run check` and `npm run report` share: re-judge a run folder and write its reports.
import { resolve } from 'node:path';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { readReportJsonIfAny, verdictChanges } from '../report/verdictChanges.ts';
import { writeReports } from '../report/writeReports.ts';
import { rejudgeRun, RunDirError } from '../runner/rejudge.ts';
import { UsageError } from './args.ts';
import { EXIT_UNKNOWN } from './suiteCli.ts';

export function rejudgeAndWrite(dirArg: string, usage: string, log: (l: string) => void): number {
  const dir = resolve(dirArg);
  let run;
  try {
    run = rejudgeRun(dir, { feltOf: (name) => SCENARIOS.find((s) => s.name === name)?.felt });
  } catch (err) {
    if (err instanceof RunDirError) throw new UsageError(err.message, usage);
    throw err;
  }
  const before = readReportJsonIfAny(dir);
  const files = writeReports(dir, run);
  for (const f of files) log(`wrote ${f}`);
  const changes = before ? verdictChanges(before, run) : [];
  for (const c of changes) log(`verdict changed: ${c}`);
  if (before && changes.length === 0) log('verdicts unchanged');
  if (run.results.some((r) => r.verdict.checkerErrors.length > 0)) return EXIT_UNKNOWN; // a checker failed: the harness did
  return run.results.every((r) => r.verdict.ok && !r.error && (r.nonVacuity ?? []).every((c) => c.observed)) ? 0 : 1;
}
