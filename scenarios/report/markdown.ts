// report.md: the summary table (scenario × configuration) and per-scenario findings, readable
// in a terminal or a PR comment.
import { memoryText, peakMemoryCell } from './memoryText.ts';
import { openLoopText, topologyText } from './workloadText.ts';
import { configurationLabel } from '../checkers/expectations.ts';
import { CONSUME_MODES, PUBLISH_MODES, type Configuration } from '../../system/shared/modes.ts';
import { anomaliesOf, cautions, failureReasons, passed, type RunResult, type ScenarioRunResult } from './types.ts';

/** Per anomaly name, how many messages the findings list before "… and N more". */
const MAX_EXAMPLES = 5;

export function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function configurationsIn(run: RunResult): Configuration[] {
  const all = PUBLISH_MODES.flatMap((publish) => CONSUME_MODES.map((consume) => ({ publish, consume })));
  return all.filter((c) => run.results.some((r) => configurationLabel(r.configuration) === configurationLabel(c)));
}

/** One cell: ✅/❌, then what was found; unexpected in bold, missing required named. */
export function cell(r: ScenarioRunResult | undefined): string {
  if (!r) return '—';
  const parts = r.verdict.found.map((n) => (r.verdict.unexpected.includes(n) ? `**${n}** (unexpected)` : n));
  for (const m of r.verdict.missing) parts.push(`missing **${m}**`);
  if (r.error) parts.push('harness error');
  if ((r.nonVacuity ?? []).some((c) => !c.observed)) parts.push('fault not felt');
  if (r.verdict.checkerErrors.length) parts.push('checker error');
  return `${passed(r) ? '✅' : '❌'} ${escapeCell(parts.join(', ') || 'none')}`;
}

export function summaryTable(run: RunResult): string {
  const configs = configurationsIn(run);
  const scenarios = [...new Set(run.results.map((r) => r.scenario))];
  const find = (s: string, c: Configuration) =>
    run.results.find((r) => r.scenario === s && configurationLabel(r.configuration) === configurationLabel(c));
  const lines = [
    `| scenario | ${configs.map(configurationLabel).join(' | ')} |`,
    `|---|${configs.map(() => '---').join('|')}|`,
    ...scenarios.map((s) => `| ${escapeCell(s)} | ${configs.map((c) => cell(find(s, c))).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** One row per run, in run order: what it cost (time, ops, memory) beside what it found. */
export function runsTable(run: RunResult): string {
  const lines = [
    '| scenario | configuration | verdict | time | ops ok/fail/unknown | anomalies | peak memory |',
    '|---|---|---|---|---|---|---|',
    ...run.results.map((r) =>
      [
        escapeCell(r.scenario),
        configurationLabel(r.configuration),
        passed(r) ? '✅' : '❌',
        `${(r.durationMs / 1000).toFixed(1)} s`,
        `${r.ops.ok}/${r.ops.fail}/${r.ops.unknown}`,
        escapeCell(r.verdict.found.join(', ') || 'none'),
        peakMemoryCell(r.memory),
      ].join(' | '),
    ),
  ];
  return lines.map((l, i) => (i < 2 ? l : `| ${l} |`)).join('\n');
}

function findings(r: ScenarioRunResult): string {
  const out = [`### ${passed(r) ? '✅' : '❌'} ${r.scenario} — ${configurationLabel(r.configuration)}`, ''];
  if (r.purpose) out.push(`${r.purpose}`, '');
  out.push(`- duration: ${(r.durationMs / 1000).toFixed(1)} s; ops ok/fail/unknown: ${r.ops.ok}/${r.ops.fail}/${r.ops.unknown}`);
  if (r.memory) out.push(`- peak memory: ${memoryText(r.memory)}`);
  if (r.topology) out.push(`- topology: ${topologyText(r.topology)}`);
  if (r.workload) {
    const w = r.workload;
    out.push(
      `- workload: ${w.okPerSecond} ok/s over ${(w.durationMs / 1000).toFixed(1)} s${openLoopText(w)}; ${w.streams} streams touched; events per stream mean ${w.eventsPerStream.mean}, max ${w.eventsPerStream.max}`,
    );
  }
  if (r.convergenceMs !== undefined)
    out.push(`- convergence: ${r.convergenceMs === null ? 'not within quiesce' : `${Math.round(r.convergenceMs)} ms after the last heal`}`);
  if (r.load) {
    const l = r.load;
    out.push(
      `- load (autocannon, target ${l.target.rate}/s × ${l.target.durationS} s): ${l.accepted} accepted (${l.acceptedPerSecond.toFixed(0)}/s), latency p50 ${l.latencyMs.p50} ms, p99 ${l.latencyMs.p99} ms, max ${l.latencyMs.max} ms; errors: ${l.errors.connection} connection, ${l.errors.timeouts} timeouts, ${l.errors.non2xx} non-2xx`,
    );
  }
  if (r.visibility) {
    const v = r.visibility;
    out.push(
      `- e2e visibility (ack → query API, ${v.visible}/${v.sampled} sampled commands seen): p50 ${v.p50Ms ?? '–'} ms, p90 ${v.p90Ms ?? '–'} ms, p99 ${v.p99Ms ?? '–'} ms, max ${v.maxMs ?? '–'} ms`,
    );
  }
  out.push(
    `- expected: required [${r.expectation.required.join(', ')}], allowed [${r.expectation.allowed.join(', ')}]${r.expectation.why ? ` — ${r.expectation.why}` : ''}`,
  );
  out.push(
    `- found: ${r.verdict.found.join(', ') || 'none'}${r.verdict.excused.length ? ` (excused as consequences: ${r.verdict.excused.join(', ')})` : ''}`,
  );
  for (const why of failureReasons(r)) out.push(`- **${why}**`);
  for (const c of cautions(r)) out.push(`- note: ${c}`);
  for (const c of r.nonVacuity ?? []) out.push(`- ${c.observed ? 'felt' : '**not felt**'}: ${c.claim}${c.detail ? ` (${c.detail})` : ''}`);
  if (r.replay) out.push(`- replay: \`${r.replay}\``);
  const byName = new Map<string, string[]>();
  for (const a of anomaliesOf(r)) byName.set(a.name, [...(byName.get(a.name) ?? []), a.message]);
  for (const [name, msgs] of byName) {
    out.push('', `${name} (${msgs.length}):`);
    for (const m of msgs.slice(0, MAX_EXAMPLES)) out.push(`  - ${m}`);
    if (msgs.length > MAX_EXAMPLES) out.push(`  - … and ${msgs.length - MAX_EXAMPLES} more (report.json has them all)`);
  }
  return out.join('\n');
}

export function renderReportMarkdown(run: RunResult): string {
  const ok = run.results.filter(passed).length;
  const failedFirst = [...run.results].sort((a, b) => Number(passed(a)) - Number(passed(b)));
  return [
    `# faultline run ${run.runId}`,
    '',
    `${run.startedAt} → ${run.finishedAt}${run.profile ? ` · profile ${run.profile}` : ''} · ${run.results.length} results: ${ok} as expected, ${run.results.length - ok} not`,
    '',
    '## Summary',
    '',
    summaryTable(run),
    '',
    '## Runs',
    '',
    runsTable(run),
    '',
    '## Findings',
    '',
    ...failedFirst.map(findings).flatMap((f) => [f, '']),
  ].join('\n');
}
