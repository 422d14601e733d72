// `npm run scenario -- <name>`: one scenario, verbose, replayable from the seed (and path).
import { SCENARIOS } from '../catalog/scenarios.ts';
import { planMatrix } from '../runner/matrix.ts';
import { runSuite } from '../runner/suite.ts';
import { parseArgs, runCli, UsageError } from './args.ts';
import {
  environmentOptions,
  checkScenarioNames,
  COMMON_FLAGS,
  exitCodeOf,
  ENVIRONMENT_USAGE,
  listScenarios,
  resultLine,
  summaryTable,
} from './suiteCli.ts';

const USAGE = `usage: npm run scenario -- <name> [--publish outbox|dual-write|cdc|cdc-eos]
                             [--consume effectively-once|at-least-once|at-most-once]
                             [--seed N] [--path P] [--keep-env] [--shrink-seconds S] [--expect matrix|none] [--runs N] [--rate R]
  --rate R        workload commands per second (default: the scenario's, 60)
  --expect none   judge by the strongest guarantee whatever the configuration: with a search scenario,
                  fast-check then searches for (and shrinks to) the smallest schedule that breaks it
  --runs N        search scenarios: try up to N generated schedules (each a real run; default 1)
${ENVIRONMENT_USAGE}
scenarios:
${listScenarios()}`;

runCli(async () => {
  const { positional, flags } = parseArgs(
    process.argv.slice(2),
    { ...COMMON_FLAGS, expect: { kind: 'string', values: ['matrix', 'none'] }, runs: { kind: 'int', min: 1, max: 100 } },
    USAGE,
  );
  if (positional.length !== 1)
    throw new UsageError(positional.length ? `one scenario at a time (got ${positional.join(', ')})` : 'which scenario?', USAGE);
  checkScenarioNames(positional, USAGE);
  const cells = planMatrix(SCENARIOS, {
    profile: 'ci',
    only: positional,
    publish: flags.publish ?? 'outbox',
    consume: flags.consume ?? 'effectively-once',
  });
  if (cells.length === 0) throw new UsageError(`${positional[0]} does not run in that configuration`, USAGE);
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  process.env.LOG_LEVEL ??= 'info';
  const { results, dir, envLeftUp } = await runSuite(cells, {
    ...environmentOptions(flags),
    seed,
    ...(typeof flags.path === 'string' ? { path: flags.path } : {}),
    keepEnv: flags['keep-env'] === true,
    ...(flags.expect === 'none' ? { expect: 'none' as const } : {}),
    ...(flags.runs !== undefined ? { runs: flags.runs } : {}),
    ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
    shrinkBudgetMs: (flags['shrink-seconds'] ?? 600) * 1000,
    log: (l) => console.log(l),
    onResult: (r) => console.log(resultLine(r)),
  });
  const r = results[0]!;
  console.log(`\n${summaryTable(results)}`);
  console.log(`\nhistory: ${r.outDir}/history.jsonl\nreports: ${dir}`);
  if (!r.ok) console.log(`replay:  ${r.replay}`);
  if (envLeftUp) console.log(`note:    ${envLeftUp}`);
  return exitCodeOf(results);
});
