// report.html for a run folder: loads each result's artifacts from `dir` and renders the page.
// Never throws: a report that cannot be drawn says why, so the other report files still get written.
import { join } from 'node:path';
import { configurationLabel } from '../../checkers/expectations.ts';
import type { RunResult } from '../types.ts';
import { loadArtifacts, scenarioDir } from './artifacts.ts';
import { esc } from './escape.ts';
import { renderReportHtml } from './renderHtml.ts';
import { buildScenarioView, type ScenarioView } from './scenarioView.ts';

export function scenarioViews(dir: string, run: RunResult): ScenarioView[] {
  return run.results.map((r, i) =>
    buildScenarioView(
      r,
      loadArtifacts(r.recordDir !== undefined ? join(dir, r.recordDir) : scenarioDir(dir, r.scenario, r.configuration)),
      i,
    ),
  );
}

export function renderReportHtmlForDir(dir: string, run: RunResult): string {
  try {
    return renderReportHtml(run, scenarioViews(dir, run));
  } catch (err) {
    const rows = run.results.map((r) => `<li>${esc(r.scenario)} @ ${esc(configurationLabel(r.configuration))}</li>`).join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>faultline run ${esc(run.runId)}</title></head><body>
<h1>faultline run ${esc(run.runId)}</h1><p>The HTML report could not be drawn: ${esc((err as Error).message)}. report.md and report.json have the results.</p><ul>${rows}</ul></body></html>\n`;
  }
}
