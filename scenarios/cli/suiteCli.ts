// What `npm run scenarios` and `npm run scenario` share: flags, validation, the summary table.
import { configurationLabel } from '../checkers/expectations.ts';
import { CONSUME_MODES, PUBLISH_MODES } from '../../system/shared/modes.ts';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { peakMemoryCell } from '../report/memoryText.ts';
import { cautions, failureReasons } from '../report/types.ts';
import { unknownNames } from '../runner/matrix.ts';
import type { ScenarioResult } from '../runner/runScenario.ts';
import { PROVIDERS, SYSTEM_RUNTIMES, type ProviderName, type SystemRuntime } from '../environment/settings.ts';
import { UsageError } from './args.ts';

export const COMMON_FLAGS = {
  publish: { kind: 'string', values: PUBLISH_MODES },
  consume: { kind: 'string', values: CONSUME_MODES },
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1 },
  path: { kind: 'string' },
  'keep-env': { kind: 'bool' },
  'shrink-seconds': { kind: 'int', min: 0, max: 3600 },
  rate: { kind: 'int', min: 1, max: 2000 },
  provider: { kind: 'string', values: PROVIDERS },
  system: { kind: 'string', values: SYSTEM_RUNTIMES },
} as const;

export const ENVIRONMENT_USAGE = `  --provider local|testcontainers|external   the environment to bring up when none is running
                  (default: FAULTLINE_PROVIDER, else testcontainers if a Docker engine answers, else local)
  --system host|containers   the system's processes as host processes (default: FAULTLINE_SYSTEM, else host)
                  or as containers of the system image (needs --provider testcontainers)`;

/** --provider and --system as the suite's options (absent: the settings decide). */
export function environmentOptions(flags: { provider?: ProviderName | undefined; system?: SystemRuntime | undefined }): {
  provider?: ProviderName;
  system?: SystemRuntime;
} {
  return { ...(flags.provider ? { provider: flags.provider } : {}), ...(flags.system ? { system: flags.system } : {}) };
}

export function checkScenarioNames(names: readonly string[], usage: string): void {
  const unknown = unknownNames(SCENARIOS, names);
  if (unknown.length) {
    throw new UsageError(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`, usage);
  }
}

export function listScenarios(): string {
  const w = Math.max(...SCENARIOS.map((s) => s.name.length));
  return SCENARIOS.map((s) => `  ${s.name.padEnd(w)}  ${s.purpose}`).join('\n');
}

/** Exit code when a checker could not judge: a harness failure, told apart from a system's (1). */
export const EXIT_UNKNOWN = 3;

/** PASS, FAIL (the system broke a guarantee), or UNKNOWN (a checker failed: the harness did). */
export function verdictLabel(r: Pick<ScenarioResult, 'ok' | 'verdict'>): 'PASS' | 'FAIL' | 'UNKNOWN' {
  if (r.ok) return 'PASS';
  return r.verdict.checkerErrors.length > 0 ? 'UNKNOWN' : 'FAIL';
}

/** 0: every result passed; 3: some checker could not judge (fix the harness first); 1: failures. */
export function exitCodeOf(results: readonly Pick<ScenarioResult, 'ok' | 'verdict'>[], otherwiseOk = true): number {
  if (results.some((r) => verdictLabel(r) === 'UNKNOWN')) return EXIT_UNKNOWN;
  return results.every((r) => r.ok) && otherwiseOk ? 0 : 1;
}

export function resultLine(r: ScenarioResult): string {
  const found = r.verdict.found.length ? r.verdict.found.join(',') : 'none';
  const conv = r.convergenceMs === null || r.convergenceMs === undefined ? 'never' : `${(r.convergenceMs / 1000).toFixed(1)}s`;
  const vis = r.visibility?.p50Ms != null ? `  visible p50/p99: ${r.visibility.p50Ms}/${r.visibility.p99Ms} ms` : '';
  return (
    `  ${verdictLabel(r)}  ${r.scenario} [${configurationLabel(r.configuration)}]  anomalies: ${found}  converged: ${conv}${vis}  ` +
    `ops ${r.ops.ok}/${r.ops.fail}/${r.ops.unknown} (ok/fail/unknown)  ${(r.durationMs / 1000).toFixed(1)}s  peak memory ${peakMemoryCell(r.memory)}`
  );
}

export function summaryTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.scenario,
    configurationLabel(r.configuration),
    r.verdict.found.join(', ') || '—',
    r.verdict.unexpected.length
      ? `unexpected: ${r.verdict.unexpected.join(', ')}`
      : r.verdict.missing.length
        ? `missing: ${r.verdict.missing.join(', ')}`
        : 'as expected',
    verdictLabel(r),
    `${(r.durationMs / 1000).toFixed(0)}s`,
    `${r.ops.ok}/${r.ops.fail}/${r.ops.unknown}`,
    peakMemoryCell(r.memory),
  ]);
  const head = ['scenario', 'configuration', 'anomalies found', 'vs expectation', 'verdict', 'time', 'ops ok/fail/unk', 'peak memory'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(w[i]!)).join('  ');
  const out = [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)];
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) {
    out.push('', `${verdictLabel(r)} ${r.scenario} [${configurationLabel(r.configuration)}]:`, ...failureReasons(r).map((x) => `  - ${x}`));
    for (const c of cautions(r)) out.push(`  note: ${c}`);
    for (const a of r.checks.flatMap((c) => c.anomalies).slice(0, 5)) out.push(`    ${a.name}: ${a.message}`);
    out.push(`  replay: ${r.replay}`);
  }
  return out.join('\n');
}
