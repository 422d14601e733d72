// `npm run report -- <run-dir>`: re-judges a run from its records and rewrites report.json,
// report.md, junit.xml and report.html (the same as `npm run check`).
import { parseArgs, runCli, UsageError } from './args.ts';
import { rejudgeAndWrite } from './rejudge.ts';

const USAGE = `usage: npm run report -- <run-dir>
  <run-dir>  a run folder written by \`npm run scenario(s)\`, e.g. reports/2026-11-28T02-05-02-seed1
             (its runs.json names the scenario records: run.json, history.jsonl, final-state.json, samples.json)`;

runCli(async () => {
  const { positional } = parseArgs(process.argv.slice(2), {}, USAGE);
  if (positional.length !== 1)
    throw new UsageError(positional.length ? `one run folder at a time (got ${positional.join(', ')})` : 'which run folder?', USAGE);
  rejudgeAndWrite(positional[0]!, USAGE, (l) => console.log(l));
  return 0;
});
