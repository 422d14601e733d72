// `npm run bench [-- --quick] [--only write,relay,projector,e2e,cpu,recovery,env-up,clients]`: throughput and latency
// as ratios against raw MariaDB/Kafka baselines measured in the same run, on the same servers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { DEFAULT_PHASES, OPT_IN_PHASES, PHASES, parseOnly } from '../bench/phase.ts';
import { renderReport, reportFileName } from '../bench/report.ts';
import { runBench } from '../bench/runBench.ts';
import { parseArgs, runCli, UsageError } from './args.ts';

const USAGE = `usage: npm run bench -- [--quick] [--only <phases>] [--no-profile]
  --quick          small sizes (a smoke run); the full size is the default
  --only <list>    comma-separated phases: ${PHASES.join(', ')}
                   (default: ${DEFAULT_PHASES.join(', ')}; ${OPT_IN_PHASES.join(', ')} only when named:
                   "--only clients" compares Kafka clients, installing the candidates on demand)
  --no-profile     do not CPU-profile the system's processes
Brings the environment up if it is not (FAULTLINE_BASE_PORT, FAULTLINE_RUN_DIR choose which one);
WIPES the system's databases and topics between phases. Writes reports/bench-<date>.json and, per
phase, the processes' CPU profiles in reports/bench-<date>.profiles/<phase>/.`;

const FLAGS = { quick: { kind: 'bool' }, only: { kind: 'string' }, 'no-profile': { kind: 'bool' } } as const;

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), FLAGS, USAGE);
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`, USAGE);
  let only;
  try {
    only = parseOnly(flags.only);
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
  const dir = join(PROJECT_ROOT, 'reports');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, reportFileName(new Date()));
  const profileDir = flags['no-profile'] === true ? undefined : file.replace(/\.json$/, '.profiles');
  const report = await runBench({ quick: flags.quick === true, only, log: (l) => console.log(l), ...(profileDir ? { profileDir } : {}) });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${renderReport(report)}\n\nwritten: ${file}`);
  return Object.values(report.phases).some((p) => p && 'error' in p) ? 1 : 0;
});
