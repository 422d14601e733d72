import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportJson } from './json.ts';
import { renderReportHtmlForDir } from './html/reportHtml.ts';
import { renderJunit } from './junit.ts';
import { renderReportMarkdown } from './markdown.ts';
import type { RunResult } from './types.ts';

/** Writes report.json, report.md, junit.xml and report.html into `dir` (the HTML reads the scenario folders there). */
export function writeReports(dir: string, run: RunResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', renderReportJson(run)],
    ['report.md', renderReportMarkdown(run)],
    ['junit.xml', renderJunit(run)],
    ['report.html', renderReportHtmlForDir(dir, run)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
