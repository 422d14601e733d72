// `npm run report -- <run-dir>`: rebuilds report.json, report.md, junit.xml and report.html of a
// run from its history.jsonl files, samples.json and the verdicts in its existing report.json.
import { resolve } from 'node:path';
import { rebuildRun, RunDirError } from '../report/rebuild.ts';
import { writeReports } from '../report/writeReports.ts';
import { parseArgs, runCli, UsageError } from './args.ts';

const USAGE = `usage: npm run report -- <run-dir>
  <run-dir>  a run folder written by \`npm run scenario(s)\`, e.g. reports/2026-11-28T02-05-02-seed1
             (it must hold report.json; history.jsonl and samples.json per scenario are read when there)`;

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), {}, USAGE);
  if (positional.length !== 1) throw new UsageError(positional.length ? `one run folder at a time (got ${positional.join(', ')})` : 'which run folder?', USAGE);
  const dir = resolve(positional[0]!);
  let run;
  try {
    run = rebuildRun(dir);
  } catch (err) {
    if (err instanceof RunDirError) throw new UsageError(err.message, USAGE);
    throw err;
  }
  for (const f of writeReports(dir, run)) console.log(`wrote ${f}`);
  return 0;
});
