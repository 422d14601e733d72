import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticHistory, syntheticSamples } from './html/testing.ts';
import { renderReportJson, toReportJson } from './json.ts';
import { renderReportMarkdown } from './markdown.ts';
import { rebuildRun, RunDirError } from './rebuild.ts';
import { RUN } from './testing.ts';
import { writeReports } from './writeReports.ts';

let dir = '';
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
const runDir = () => (dir = mkdtempSync(join(tmpdir(), 'rebuild-')));

describe('rebuildRun', () => {
  it('from report.json alone: the same report.json and report.md again', () => {
    const d = runDir();
    writeFileSync(join(d, 'report.json'), renderReportJson(RUN));
    const run = rebuildRun(d);
    expect(toReportJson(run)).toEqual(toReportJson(RUN));
    expect(renderReportMarkdown(run)).toBe(renderReportMarkdown(RUN));
    // anomalies go back to the checks they came from
    expect(run.results[2]!.checks[0]!.anomalies.map((a) => a.name)).toEqual(['lost']);
  });

  it('ops counts, faults and seed come from the history when there is one', () => {
    const d = runDir();
    writeFileSync(join(d, 'report.json'), renderReportJson(RUN));
    const sd = join(d, 'broker-outage', 'outbox+effectively-once');
    mkdirSync(sd, { recursive: true });
    writeFileSync(join(sd, 'history.jsonl'), syntheticHistory().map((e) => JSON.stringify(e)).join('\n') + '\n');
    writeFileSync(join(sd, 'samples.json'), JSON.stringify({ samples: syntheticSamples(), schedule: [] }));
    const r = rebuildRun(d).results[0]!;
    expect(r.ops).toEqual({ ok: 34, fail: 4, unknown: 0 });
    expect(r.faults?.map((f) => [f.target, f.start.ms, f.stop?.ms])).toEqual([['relay-kafka', 3000, 6000]]);
    expect(r.seed).toBe(7);

    const files = writeReports(d, rebuildRun(d));
    expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['report.json', 'report.md', 'junit.xml', 'report.html']);
    const html = readFileSync(join(d, 'report.html'), 'utf8');
    expect(html).toContain('id="chart-r0-broker-outage-outbox-effectively-once-throughput"');
    expect(html).toContain('down relay-kafka');
  });

  it('a folder that is not a run says what is wrong', () => {
    const d = runDir();
    expect(() => rebuildRun(join(d, 'nope'))).toThrow(new RunDirError(`${join(d, 'nope')} is not a directory`));
    expect(() => rebuildRun(d)).toThrow(/report\.json not found/);
    writeFileSync(join(d, 'report.json'), '{ not json');
    expect(() => rebuildRun(d)).toThrow(/is not JSON/);
    writeFileSync(join(d, 'report.json'), '{"results": 3}');
    expect(() => rebuildRun(d)).toThrow(/not a faultline report/);
  });
});
