import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReportJson, toReportJson } from './json.ts';
import { escapeXml, renderJunit } from './junit.ts';
import { cell, escapeCell, renderReportMarkdown, summaryTable } from './markdown.ts';
import { RUN, scenarioResult } from './testing.ts';
import { cautions, failureReasons, passed } from './types.ts';
import { writeReports } from './writeReports.ts';

describe('pass/fail of a result', () => {
  it('fails on unexpected, missing, vacuity and harness errors', () => {
    expect(RUN.results.map(passed)).toEqual([true, true, false, false]);
    const vacuous = scenarioResult('s', { publish: 'outbox', consume: 'effectively-once' }, [], {
      nonVacuity: [{ claim: 'backlog grew', observed: false }],
    });
    expect(failureReasons(vacuous)).toEqual(['fault never felt: backlog grew']);
    const missing = scenarioResult('broker-outage', { publish: 'dual-write', consume: 'at-most-once' }, []);
    expect(failureReasons(missing)).toEqual(['missing required: lost']);
  });

  it('a drifted schedule is a caution beside the verdict, never a reason by itself', () => {
    const base = { publish: 'outbox', consume: 'effectively-once' } as const;
    const drifted = scenarioResult('s', base, [], {
      scheduleDrift: { maxMs: 1900, worst: 'fault 1 (down projector-db) held 4.4 s instead of 2.5 s' },
    });
    expect(passed(drifted)).toBe(true);
    expect(cautions(drifted)).toEqual([
      'the fault schedule drifted by up to 1.9 s (fault 1 (down projector-db) held 4.4 s instead of 2.5 s): was the machine overloaded?',
    ]);
    expect(cautions(scenarioResult('s', base, [], { scheduleDrift: { maxMs: 300 } }))).toEqual([]);
    expect(renderReportMarkdown({ ...RUN, results: [drifted] })).toContain('- note: the fault schedule drifted by up to 1.9 s');
  });
});

describe('report.json', () => {
  it('has stable field names and a summary', () => {
    const j = toReportJson(RUN);
    expect(Object.keys(j)).toEqual(['schemaVersion', 'run', 'summary', 'results']);
    expect(j.summary).toEqual({ total: 4, passed: 2, failed: 2 });
    expect(Object.keys(j.results[0]!)).toEqual([
      'scenario',
      'purpose',
      'configuration',
      'topology',
      'label',
      'passed',
      'failureReasons',
      'startedAt',
      'durationMs',
      'seed',
      'path',
      'replay',
      'ops',
      'expected',
      'found',
      'unexpected',
      'missing',
      'excused',
      'checkerErrors',
      'checks',
      'anomalies',
      'convergenceMs',
      'visibility',
      'workload',
      'load',
      'memory',
      'nonVacuity',
      'faults',
      'scheduleDrift',
      'cautions',
      'error',
    ]);
    expect(j.results[2]).toMatchObject({
      passed: false,
      unexpected: ['lost'],
      anomalies: [{ name: 'lost', op: { id: 3, kind: 'rename', outcome: 'ok' } }],
    });
    expect(j.results[1]).toMatchObject({ passed: true, found: ['lost'], expected: { required: ['lost'] } });
    expect(JSON.parse(renderReportJson(RUN))).toEqual(j);
  });
});

describe('report.md', () => {
  it('table: one row per scenario, one column per configuration present, same width everywhere', () => {
    const rows = summaryTable(RUN).split('\n');
    expect(rows[0]).toBe('| scenario | outbox/effectively-once | outbox/at-least-once | dual-write/effectively-once |');
    expect(rows).toHaveLength(2 + 2);
    const width = (l: string) => l.split(/(?<!\\)\|/).length;
    for (const r of rows) expect(width(r)).toBe(width(rows[0]!));
    expect(rows[2]).toBe('| broker-outage | ✅ none | — | ✅ lost |'); // not run at-least-once: a dash
    expect(rows[3]).toBe('| kill\\|projector | ❌ harness error | ❌ **lost** (unexpected) | — |');
  });

  it('cells say what was found and whether it was expected', () => {
    expect(cell(RUN.results[0])).toBe('✅ none');
    expect(cell(RUN.results[1])).toBe('✅ lost');
    expect(cell(RUN.results[2])).toBe('❌ **lost** (unexpected)');
    expect(cell(RUN.results[3])).toBe('❌ harness error');
    expect(cell(scenarioResult('broker-outage', { publish: 'dual-write', consume: 'at-least-once' }, []))).toBe('❌ missing **lost**');
    expect(escapeCell('a|b\nc')).toBe('a\\|b c');
  });

  it('findings list failures first, with reasons, anomalies and the replay line', () => {
    const md = renderReportMarkdown(RUN);
    expect(md).toMatch(/^# faultline run run-1/);
    expect(md).toContain('2 as expected, 2 not');
    const first = md.indexOf('### ');
    expect(md.slice(first, first + 40)).toContain('❌');
    expect(md).toContain('- **unexpected: lost**');
    expect(md).toContain('- replay: `npm run scenario -- broker-outage --seed 7`');
    expect(md).toContain('lost (1):\n  - op 3 never applied');
  });
});

describe('junit.xml', () => {
  const xml = renderJunit(RUN);
  it('one testcase per scenario × configuration, grouped by configuration', () => {
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toMatch(/<testsuites name="faultline run-1" tests="4" failures="1" errors="1" time="49.380">/);
    expect(xml).toContain('<testcase classname="faultline.dual-write/effectively-once" name="broker-outage" time="12.345"/>');
  });

  it('a failure carries the anomaly list, escaped; a harness error is an <error>', () => {
    expect(xml).toContain('<failure message="unexpected: lost" type="anomalies">lost: a &lt;b&gt; &amp; &quot;c&quot;  lost</failure>');
    expect(xml).toContain('<error message="toxiproxy &lt;unreachable&gt;" type="harness"/>');
    expect(xml).toContain('name="kill|projector"');
  });

  it('escapes the five XML specials and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a b='c'>&"\u0000\u0008ok\t\n`)).toBe('&lt;a b=&apos;c&apos;&gt;&amp;&quot;ok\t\n');
    expect(escapeXml('😀 é')).toBe('😀 é');
  });

  it('is well nested', () => {
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
      if (m[3]) continue;
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });
});

describe('writeReports', () => {
  it('writes the four files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    try {
      const files = writeReports(join(dir, 'run-1'), RUN);
      expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['report.json', 'report.md', 'junit.xml', 'report.html']);
      expect(JSON.parse(readFileSync(files[0]!, 'utf8')).summary.total).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('report.md numbers', () => {
  it('gives convergence in whole milliseconds, not the float the clock produced', () => {
    const r = scenarioResult('s', { publish: 'outbox', consume: 'effectively-once' }, [], { convergenceMs: 1198.6589999999997 });
    const md = renderReportMarkdown({ ...RUN, results: [r] });
    expect(md).toContain('- convergence: 1199 ms after the last heal');
  });
});
