// `npm run scenarios`: the suite. Exit 0 only if every result matched its expectation.
import { SCENARIOS } from '../catalog/scenarios.ts';
import { planMatrix, PROFILES } from '../runner/matrix.ts';
import { runSuite } from '../runner/suite.ts';
import { parseShard, shardOf, type Shard } from '../runner/shard.ts';
import { loadCellDurationsMs } from '../../fixtures/loader.ts';
import { parseArgs, runCli, UsageError } from './args.ts';
import { includesContainerTier, runContainerTier } from './containerTier.ts';
import {
  environmentOptions,
  checkScenarioNames,
  COMMON_FLAGS,
  ENVIRONMENT_USAGE,
  listScenarios,
  EXIT_UNKNOWN,
  exitCodeOf,
  resultLine,
  summaryTable,
  verdictLabel,
} from './suiteCli.ts';

const USAGE = `usage: npm run scenarios -- [--profile ci|full] [--publish outbox|dual-write|cdc|cdc-eos]
                              [--consume effectively-once|at-least-once|at-most-once]
                              [--only a,b] [--seed N] [--keep-env] [--shrink-seconds S] [--rate R] [--list]
                              [--skip-containers] [--shard i/n]
  --profile ci    every scenario on outbox+effectively-once, plus the cells that must show the weaker
                  modes' anomalies (default; fits in ~20 min on 2 cores)
  --profile full  every scenario in every configuration it supports, then the container tier
                  (npm run test:containers: podman engine and images, set up on first use)
  --skip-containers   a full profile without the container tier
  --shard i/n     run the i-th of n deterministic slices of the selection (for a CI matrix: each
                  machine one shard, same --seed; merge with \`npm run report -- merge <run-dir>...\`);
                  runs are balanced by fixtures/cell-durations.json, and the container tier goes
                  with shard 1
  --publish/--consume   run the chosen scenarios in exactly that configuration
  --rate R        workload commands per second (default: each scenario's, 60)
  --list          names and one-line purposes
${ENVIRONMENT_USAGE}`;

runCli(async () => {
  const { positional, flags } = parseArgs(
    process.argv.slice(2),
    {
      ...COMMON_FLAGS,
      profile: { kind: 'string', values: PROFILES },
      only: { kind: 'string' },
      list: { kind: 'bool' },
      'skip-containers': { kind: 'bool' },
      shard: { kind: 'string' },
    },
    USAGE,
  );
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]} (one scenario: npm run scenario -- <name>)`, USAGE);
  if (flags.list) {
    console.log(listScenarios());
    return 0;
  }
  const only = typeof flags.only === 'string' ? flags.only.split(',').filter(Boolean) : undefined;
  if (only) checkScenarioNames(only, USAGE);
  const profile = flags.profile ?? 'ci';
  const planned = planMatrix(SCENARIOS, {
    profile,
    only,
    publish: flags.publish,
    consume: flags.consume,
  });
  let shard: Shard | undefined;
  try {
    shard = typeof flags.shard === 'string' ? parseShard(flags.shard) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
  const cells = shard ? shardOf(planned, shard, loadCellDurationsMs()) : planned;
  if (cells.length === 0)
    throw new UsageError('that selection runs no scenario (a scenario may not support the chosen configuration)', USAGE);
  const seed = flags.seed ?? (profile === 'ci' ? 1 : Math.floor(Math.random() * 2 ** 31));
  console.log(
    `faultline: ${cells.length} run(s), profile ${profile}, seed ${seed}${shard ? `, shard ${shard.index}/${shard.count} of ${planned.length}` : ''}`,
  );
  const { results, dir, files, envLeftUp } = await runSuite(cells, {
    ...environmentOptions(flags),
    seed,
    profile,
    keepEnv: flags['keep-env'] === true,
    ...(shard ? { shard } : {}),
    ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
    shrinkBudgetMs: (flags['shrink-seconds'] ?? (profile === 'ci' ? 120 : 600)) * 1000,
    log: (l) => console.log(l),
    onResult: (r) => console.log(resultLine(r)),
  });
  console.log(`\n${summaryTable(results)}\n\nreports: ${dir}\n  ${files.map((f) => f.slice(dir.length + 1)).join(', ')}`);
  const passed = results.filter((r) => r.ok).length;
  const unknown = results.filter((r) => verdictLabel(r) === 'UNKNOWN').length;
  console.log(
    `\nscenarios: ${passed} passed, ${results.length - passed} failed${unknown ? ` (${unknown} of them UNKNOWN: a checker failed, see above; exit ${EXIT_UNKNOWN})` : ''}`,
  );
  const tier = includesContainerTier({
    profile,
    only,
    publish: flags.publish,
    consume: flags.consume,
    skip: flags['skip-containers'] === true || (shard !== undefined && shard.index !== 1),
  })
    ? await runContainerTier((l) => console.log(l))
    : undefined;
  if (envLeftUp) console.log(`\nnote: ${envLeftUp}`);
  return exitCodeOf(results, tier?.ok ?? true);
});
