import { describe, expect, it } from 'vitest';
import { RUN, scenarioResult } from '../testing.ts';
import { esc, scriptJson } from './escape.ts';
import { renderReportHtml, verdictOf } from './renderHtml.ts';
import { renderReportHtmlForDir } from './reportHtml.ts';
import { buildScenarioView } from './scenarioView.ts';
import { NO_ARTIFACTS, syntheticArtifacts } from './testing.ts';

const views = RUN.results.map((r, i) => buildScenarioView(r, i === 0 ? syntheticArtifacts() : NO_ARTIFACTS, i));

describe('report.html text', () => {
  const html = renderReportHtml(RUN, views);

  it('is self-contained: uPlot inlined, nothing loaded from anywhere', () => {
    expect(html).toContain('uPlot');
    expect(html.length).toBeGreaterThan(40_000); // the library itself is in the file
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/<a [^>]*href="https?:/i);
  });

  it('verdict colours: clean pass, expected anomalies, failure, not run', () => {
    expect(RUN.results.map(verdictOf)).toEqual(['pass', 'expected', 'fail', 'fail']);
    expect(verdictOf(undefined)).toBe('none');
    expect(html).toContain(
      '<td class="v-expected"><a href="#r1-broker-outage-dual-write-effectively-once">✓ <span class="found">lost (expected)</span></a></td>',
    );
    expect(html).toContain('<span class="unexpected">lost (unexpected)</span>');
  });

  it('escapes what runs put in it, in markup and in the embedded data', () => {
    const evil = scenarioResult('x</script><b>', { publish: 'outbox', consume: 'effectively-once' }, [], { replay: '<img src=x>' });
    const page = renderReportHtml({ ...RUN, results: [evil] }, [buildScenarioView(evil, NO_ARTIFACTS, 0)]);
    expect(page).not.toContain('x</script><b>');
    expect(page).not.toContain('<img src=x>');
    expect(esc(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(scriptJson({ s: '</script>' })).toBe('{"s":"\\u003c/script>"}');
  });

  it('a run folder without data still renders, saying what is missing', () => {
    const page = renderReportHtmlForDir('/nonexistent-run-dir', RUN);
    expect(page).toContain('history.jsonl missing');
    expect(page).toContain('id="matrix"');
  });
});
