import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderReportMarkdown } from './markdown.ts';
import type { RunResult } from './types.ts';

/** Writes report.json, report.md and junit.xml into `dir` (the HTML report is the lead's). */
export function writeReports(dir: string, run: RunResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', renderReportJson(run)],
    ['report.md', renderReportMarkdown(run)],
    ['junit.xml', renderJunit(run)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
