// `npm run report -- <run-dir>`: re-judges a run from its records and rewrites report.json,
// report.md, junit.xml and report.html (the same as `npm run check`).
// `npm run report -- merge <run-dir>…`: the shards of one profile (`--shard i/n` on several
// machines) as one run folder, judged and reported like an unsharded run.
// `npm run report -- durations <run-dir>…`: the runs' durations into fixtures/cell-durations.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CELL_DURATIONS_FILE } from '../../fixtures/loader.ts';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { planMatrix, PROFILES, type Profile } from '../runner/matrix.ts';
import { durationsOf, mergeRuns } from '../runner/mergeRuns.ts';
import { readRunIndex, RunDirError } from '../runner/rejudge.ts';
import { cellKey } from '../runner/shard.ts';
import { parseArgs, runCli, UsageError } from './args.ts';
import { rejudgeAndWrite } from './rejudge.ts';

const USAGE = `usage: npm run report -- <run-dir>
       npm run report -- merge <run-dir> <run-dir>... [--out DIR]
       npm run report -- durations <run-dir>...
  <run-dir>  a run folder written by \`npm run scenario(s)\`, e.g. reports/2026-11-28T02-05-02-seed1
             (its runs.json names the scenario records: run.json, history.jsonl, final-state.json, samples.json)
  merge      the run folders of one profile's shards (\`npm run scenarios -- --shard i/n\`, same seed)
             into one new folder (default reports/merged-<date>), judged again: report.json, .md,
             .html and junit.xml as one run; exits like \`npm run check\`
  durations  each run's duration into fixtures/cell-durations.json, which --shard balances by`;

const DURATIONS_DESCRIPTION =
  'Seconds each scenario run took (report.json durationMs), for balancing --shard i/n; a run not listed is planned at 40 s. Rewrite with: npm run report -- durations reports/<run>...';

function merge(dirs: string[], out: string | undefined): number {
  const dest = out ?? join(PROJECT_ROOT, 'reports', `merged-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
  try {
    // In the profile's order, so the merged report reads like an unsharded one.
    const profile = dirs.length ? readRunIndex(dirs[0]!).profile : undefined;
    const order = (PROFILES as readonly (string | undefined)[]).includes(profile)
      ? planMatrix(SCENARIOS, { profile: profile as Profile }).map(cellKey)
      : [];
    mergeRuns(dirs, dest, order);
  } catch (err) {
    if (err instanceof RunDirError) throw new UsageError(err.message, USAGE);
    throw err;
  }
  console.log(`merged ${dirs.length} shard(s) into ${dest}`);
  return rejudgeAndWrite(dest, USAGE, (l) => console.log(l));
}

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), { out: { kind: 'string' } }, USAGE);
  const [cmd, ...rest] = positional;
  if (cmd === 'merge') return merge(rest, flags.out);
  if (flags.out !== undefined) throw new UsageError('--out goes with merge', USAGE);
  if (cmd === 'durations') {
    if (rest.length === 0) throw new UsageError('durations needs at least one run folder', USAGE);
    const seconds = durationsOf(rest);
    writeFileSync(
      CELL_DURATIONS_FILE,
      JSON.stringify({ description: DURATIONS_DESCRIPTION, seconds: Object.fromEntries(Object.entries(seconds).sort()) }, null, 2) + '\n',
    );
    console.log(`wrote ${Object.keys(seconds).length} durations to ${CELL_DURATIONS_FILE}`);
    return 0;
  }
  if (positional.length !== 1)
    throw new UsageError(positional.length ? `one run folder at a time (got ${positional.join(', ')})` : 'which run folder?', USAGE);
  rejudgeAndWrite(positional[0]!, USAGE, (l) => console.log(l));
  return 0;
});
