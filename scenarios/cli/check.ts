// `npm run check -- <run-dir>`: judges a stored run again offline (today's checkers, the records'
// expectations), rewrites its reports, says which verdicts changed; exit 1 if any result fails.
import { parseArgs, runCli, UsageError } from './args.ts';
import { rejudgeAndWrite } from './rejudge.ts';

const USAGE = `usage: npm run check -- <run-dir>
  <run-dir>  a run folder written by \`npm run scenario(s)\`, e.g. reports/2026-11-28T02-05-02-seed1`;

runCli(async () => {
  const { positional } = parseArgs(process.argv.slice(2), {}, USAGE);
  if (positional.length !== 1)
    throw new UsageError(positional.length ? `one run folder at a time (got ${positional.join(', ')})` : 'which run folder?', USAGE);
  return rejudgeAndWrite(positional[0]!, USAGE, (l) => console.log(l));
});
