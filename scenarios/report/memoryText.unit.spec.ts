import { describe, expect, it } from 'vitest';
import type { MemoryPeaks } from '../record/memory.ts';
import { renderReportHtml } from './html/renderHtml.ts';
import { buildScenarioView } from './html/scenarioView.ts';
import { NO_ARTIFACTS } from './html/testing.ts';
import { renderReportMarkdown, runsTable } from './markdown.ts';
import { memoryText, peakMemoryCell } from './memoryText.ts';
import { RUN, scenarioResult } from './testing.ts';
import type { RunResult } from './types.ts';

const PEAKS: MemoryPeaks = {
  peakTotalMb: 1534,
  peakAtMs: 12_345,
  byGroup: { relay: 80, 'query-api': 70, kafka: 812, toxiproxy: 30, mariadb: 410, 'command-service': 95, projector: 90 },
  samples: 41,
  everyMs: 1000,
};

describe('peak memory in words', () => {
  it('total, when, then each group servers first and the system in pipeline order', () => {
    expect(memoryText(PEAKS)).toBe(
      '1534 MB resident at 12.3 s (peaks by group, MB: kafka 812, mariadb 410, toxiproxy 30, command-service 95, relay 80, projector 90, query-api 70; 41 samples every 1 s)',
    );
    expect(peakMemoryCell(PEAKS)).toBe('1534 MB');
  });

  it('says why nothing was measured, and shows no figure for it', () => {
    const m = { unmeasured: "the testcontainers provider's servers are not processes of this host" };
    expect(memoryText(m)).toBe(`not measured (${m.unmeasured})`);
    expect(peakMemoryCell(m)).toBe('—');
    expect(peakMemoryCell(undefined)).toBe('—');
  });
});

describe('report.md runs table', () => {
  const run: RunResult = {
    ...RUN,
    results: [
      scenarioResult('broker-outage', { publish: 'outbox', consume: 'effectively-once' }, [], { memory: PEAKS }),
      ...RUN.results.slice(1),
    ],
  };

  it('one row per run with time, ops, anomalies and peak memory, as wide as its header', () => {
    const rows = runsTable(run).split('\n');
    expect(rows).toHaveLength(2 + run.results.length);
    expect(rows[2]).toBe('| broker-outage | outbox/effectively-once | ✅ | 12.3 s | 10/1/2 | none | 1534 MB |');
    expect(rows[3]).toBe('| broker-outage | dual-write/effectively-once | ✅ | 12.3 s | 10/1/2 | lost | — |');
    const width = (l: string) => l.split(/(?<!\\)\|/).length;
    for (const r of rows) expect(width(r)).toBe(width(rows[0]!));
  });

  it('the findings of a run carry its peak memory line', () => {
    const md = renderReportMarkdown(run);
    expect(md).toContain('## Runs');
    expect(md).toContain(`- peak memory: ${memoryText(PEAKS)}`);
  });

  it('report.html shows it beside the ops, escaped', () => {
    const html = renderReportHtml(run, [buildScenarioView(run.results[0]!, NO_ARTIFACTS, 0)]);
    expect(html).toContain('<dt>peak memory</dt><dd class="memory">1534 MB resident at 12.3 s');
  });
});
