// report.html: one self-contained page. uPlot (script and stylesheet) is read from node_modules
// and inlined, the data goes in a JSON script element, and nothing is fetched when it is opened.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { configurationLabel } from '../../checkers/expectations.ts';
import { CONSUME_MODES, PUBLISH_MODES, type Configuration } from '../../../system/shared/modes.ts';
import { anomaliesOf, failureReasons, passed, type RunResult, type ScenarioRunResult } from '../types.ts';
import { esc, scriptJson } from './escape.ts';
import { memoryText } from '../memoryText.ts';
import { openLoopText, topologyText } from '../workloadText.ts';
import type { ScenarioView } from './scenarioView.ts';
import { streamSvg, streamTable } from './streamSvg.ts';
import { STYLE } from './style.ts';

const require = createRequire(import.meta.url);

/** The inlined assets, read once per process. */
let assets: { uplotJs: string; uplotCss: string; clientJs: string } | undefined;
function loadAssets() {
  assets ??= {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    clientJs: readFileSync(new URL('./client.js', import.meta.url), 'utf8'),
  };
  return assets;
}

/** A script's text must not contain `</script`: split it where it does (only in string literals). */
const inlineScript = (js: string) => js.replace(/<\/script/gi, '<\\/script');

const MAX_EXAMPLES = 5; // anomaly messages listed per anomaly name

type Verdict = 'pass' | 'expected' | 'fail' | 'none';

export function verdictOf(r: ScenarioRunResult | undefined): Verdict {
  if (!r) return 'none';
  if (!passed(r)) return 'fail';
  return r.verdict.found.length ? 'expected' : 'pass';
}

function configurationsIn(run: RunResult): Configuration[] {
  const all = PUBLISH_MODES.flatMap((publish) => CONSUME_MODES.map((consume) => ({ publish, consume })));
  return all.filter((c) => run.results.some((r) => configurationLabel(r.configuration) === configurationLabel(c)));
}

function matrixCell(r: ScenarioRunResult | undefined, id: string | undefined): string {
  const v = verdictOf(r);
  if (!r) return `<td class="v-none">not run</td>`;
  const parts = r.verdict.found.map((n) =>
    r.verdict.unexpected.includes(n)
      ? `<span class="unexpected">${esc(n)} (unexpected)</span>`
      : `<span class="found">${esc(n)}${r.verdict.excused.includes(n) ? ' (excused)' : ' (expected)'}</span>`,
  );
  for (const m of r.verdict.missing) parts.push(`<span class="unexpected">missing ${esc(m)}</span>`);
  if (r.error) parts.push('<span class="unexpected">harness error</span>');
  if ((r.nonVacuity ?? []).some((c) => !c.observed)) parts.push('<span class="unexpected">fault not felt</span>');
  if (r.verdict.checkerErrors.length) parts.push('<span class="unexpected">checker error</span>');
  const mark = v === 'fail' ? '✗' : '✓';
  return `<td class="v-${v}"><a href="#${esc(id ?? '')}">${mark} ${parts.join(', ') || 'no anomalies'}</a></td>`;
}

export function matrixHtml(run: RunResult, views: readonly ScenarioView[]): string {
  const configs = configurationsIn(run);
  const scenarios = [...new Set(run.results.map((r) => r.scenario))];
  const find = (s: string, c: Configuration) =>
    views.find((v) => v.result.scenario === s && configurationLabel(v.result.configuration) === configurationLabel(c));
  const head = `<tr><th>scenario</th>${configs.map((c) => `<th>${esc(configurationLabel(c))}</th>`).join('')}</tr>`;
  const rows = scenarios.map(
    (s) =>
      `<tr data-scenario="${esc(s)}"><th>${esc(s)}</th>${configs
        .map((c) => {
          const v = find(s, c);
          return matrixCell(v?.result, v?.id);
        })
        .join('')}</tr>`,
  );
  return `<table id="matrix"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>
<p class="legend"><span class="v-pass">✓ as guaranteed, no anomaly</span> <span class="v-expected">✓ anomalies this configuration is expected to show</span> <span class="v-fail">✗ unexpected anomaly, missing required one, fault not felt or harness error</span></p>`;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function workloadHtml(r: ScenarioRunResult): string {
  const w = r.workload;
  const v = r.visibility;
  const rows: string[] = [];
  if (w)
    rows.push(
      `<dt>workload</dt><dd class="workload">${w.okPerSecond} ok/s over ${secs(w.durationMs)}${esc(openLoopText(w))}; ${w.streams} streams; events per stream mean ${w.eventsPerStream.mean}, max ${w.eventsPerStream.max}</dd>`,
    );
  if (v)
    rows.push(
      `<dt>e2e visibility</dt><dd class="visibility">p50 ${v.p50Ms ?? '–'} / p90 ${v.p90Ms ?? '–'} / p99 ${v.p99Ms ?? '–'} / max ${v.maxMs ?? '–'} ms over ${v.visible} of ${v.sampled} sampled ok commands</dd>`,
    );
  return rows.join('\n');
}

function convergenceText(r: ScenarioRunResult): string {
  if (r.convergenceMs === undefined) return 'not measured';
  if (r.convergenceMs === null) return 'did not converge within the quiesce window';
  return `${(r.convergenceMs / 1000).toFixed(1)} s after the last heal (${Math.round(r.convergenceMs)} ms)`;
}

function anomalyList(r: ScenarioRunResult): string {
  const byName = new Map<string, string[]>();
  for (const a of anomaliesOf(r)) byName.set(a.name, [...(byName.get(a.name) ?? []), a.message]);
  if (byName.size === 0) return '';
  const items = [...byName].map(
    ([name, msgs]) =>
      `<li><b>${esc(name)}</b> (${msgs.length})<ul>${msgs
        .slice(0, MAX_EXAMPLES)
        .map((m) => `<li>${esc(m)}</li>`)
        .join(
          '',
        )}${msgs.length > MAX_EXAMPLES ? `<li>… and ${msgs.length - MAX_EXAMPLES} more (report.json has them all)</li>` : ''}</ul></li>`,
  );
  return `<h3>Anomalies</h3><ul class="anomalies">${items.join('')}</ul>`;
}

function faultTable(v: ScenarioView): string {
  const f = v.timeline.faults;
  if (f.length === 0) return '<p class="muted">No faults in the history.</p>';
  const rows = f.map(
    (b) =>
      `<tr><td>${esc(b.label)}</td><td>${b.startS.toFixed(2)} s${b.beganS === undefined ? '' : ` (began ${b.beganS.toFixed(2)} s)`}</td><td>${b.stopS === null ? 'never healed' : `${b.stopS.toFixed(2)} s`}</td><td>${esc(b.error ?? '')}</td></tr>`,
  );
  return `<table class="faults"><thead><tr><th>fault</th><th>start</th><th>stop</th><th>error</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function streamsHtml(v: ScenarioView): string {
  if (v.streams.length === 0) return '';
  const parts = v.streams.map(
    (st) => `<div class="stream-block" data-stream="${esc(st.streamId)}"><h4>stream <code>${esc(st.streamId)}</code></h4>
<p class="muted">${esc(st.anomalies.map((a) => `${a.name}: ${a.message}`).join(' · '))}${st.source === 'anomalies' ? ' — no final state saved: written/published come from the anomaly records only' : ''}</p>
${streamSvg(st, v.timeline.faults)}${streamTable(st)}</div>`,
  );
  const more = v.streamsOmitted ? `<p class="muted">… and ${v.streamsOmitted} more anomalous streams (report.json lists them).</p>` : '';
  return `<h3>Per-stream timelines</h3>${parts.join('')}${more}`;
}

function resultSection(v: ScenarioView): string {
  const r = v.result;
  const verdict = verdictOf(r);
  const reasons = failureReasons(r);
  const claims = (r.nonVacuity ?? []).map(
    (c) =>
      `<li class="${c.observed ? 'felt' : 'not-felt'}">${c.observed ? 'felt' : '<b>not felt</b>'}: ${esc(c.claim)}${c.detail ? ` (${esc(c.detail)})` : ''}</li>`,
  );
  const charts = ['throughput', 'latency', 'backlog', 'dead'].map(
    (k) => `<div class="chart" id="chart-${esc(v.id)}-${k}" data-chart="${k}"></div>`,
  );
  const align =
    v.timeline.alignment === 'first-invoke'
      ? '<p class="muted">Sample times aligned on the first command sent (the run did not record the sampler start).</p>'
      : '';
  return `<section class="result v-${verdict}" id="${esc(v.id)}">
<h2>${verdict === 'fail' ? '✗' : '✓'} ${esc(r.scenario)} <small>${esc(configurationLabel(r.configuration))}</small></h2>
${r.purpose ? `<p>${esc(r.purpose)}</p>` : ''}
${reasons.length ? `<ul class="reasons">${reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
<dl>
<dt>convergence</dt><dd class="convergence">${esc(convergenceText(r))}</dd>
<dt>duration</dt><dd>${secs(r.durationMs)}</dd>
${r.topology ? `<dt>topology</dt><dd>${esc(topologyText(r.topology))}</dd>` : ''}
<dt>ops ok / fail / unknown</dt><dd>${r.ops.ok} / ${r.ops.fail} / ${r.ops.unknown}</dd>
${r.memory ? `<dt>peak memory</dt><dd class="memory">${esc(memoryText(r.memory))}</dd>` : ''}
${workloadHtml(r)}
<dt>expected</dt><dd>required [${esc(r.expectation.required.join(', '))}], allowed [${esc(r.expectation.allowed.join(', '))}]${r.expectation.why ? ` — ${esc(r.expectation.why)}` : ''}</dd>
<dt>found</dt><dd>${esc(r.verdict.found.join(', ') || 'none')}</dd>
${r.replay ? `<dt>replay</dt><dd><code class="replay">${esc(r.replay)}</code></dd>` : ''}
${r.error ? `<dt>harness error</dt><dd class="unexpected">${esc(r.error)}</dd>` : ''}
</dl>
${claims.length ? `<h3>Non-vacuity: the fault was felt</h3><ul class="claims">${claims.join('')}</ul>` : ''}
<h3>Faults</h3>${faultTable(v)}
<h3>Timeline</h3><p class="muted">Red bands: fault windows. Dashed green line: converged.</p>${align}
${v.problems.length ? `<p class="muted">Data: ${esc(v.problems.join('; '))}</p>` : ''}
<div class="charts">${charts.join('')}</div>
${anomalyList(r)}
${streamsHtml(v)}
</section>`;
}

export function renderReportHtml(run: RunResult, views: readonly ScenarioView[]): string {
  const a = loadAssets();
  const ok = run.results.filter(passed).length;
  const failedFirst = [...views].sort((x, y) => Number(passed(x.result)) - Number(passed(y.result)));
  const machine = run.machine
    ? ` · ${[run.machine.host, run.machine.cpus ? `${run.machine.cpus} CPUs` : '', run.machine.node].filter(Boolean).map(esc).join(', ')}`
    : '';
  const data = { views: views.map((v) => ({ id: v.id, timeline: v.timeline })) };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>faultline run ${esc(run.runId)}</title>
<style>${a.uplotCss}</style><style>${STYLE}</style>
</head><body>
<header><h1>faultline run ${esc(run.runId)}</h1>
<p>${esc(run.startedAt)} → ${esc(run.finishedAt)}${run.profile ? ` · profile ${esc(run.profile)}` : ''}${machine}</p>
<p class="summary">${run.results.length} results: <b>${ok}</b> as expected, <b>${run.results.length - ok}</b> not.</p></header>
<main>
<h2>Guarantee matrix</h2>
${matrixHtml(run, views)}
${failedFirst.map(resultSection).join('\n')}
</main>
<script type="application/json" id="faultline-data">${scriptJson(data)}</script>
<script>${inlineScript(a.uplotJs)}</script>
<script>${inlineScript(a.clientJs)}</script>
</body></html>
`;
}
