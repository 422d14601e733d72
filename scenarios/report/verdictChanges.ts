// Compares the verdicts of an earlier report.json with a re-judged run: what a checker change did.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationLabel } from '../checkers/expectations.ts';
import { toReportJson, type ReportJson } from './json.ts';
import type { RunResult } from './types.ts';

export function readReportJsonIfAny(dir: string): ReportJson | undefined {
  const path = join(dir, 'report.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ReportJson;
  } catch {
    return undefined;
  }
}

/** One line per result whose pass/fail, found or unexpected anomalies differ. */
export function verdictChanges(before: ReportJson, after: RunResult): string[] {
  const now = toReportJson(after).results;
  const key = (r: { scenario: string; configuration: { publish: string; consume: string } }) =>
    `${r.scenario} @ ${configurationLabel(r.configuration as never)}`;
  const old = new Map((before.results ?? []).map((r) => [key(r), r]));
  const out: string[] = [];
  for (const r of now) {
    const o = old.get(key(r));
    if (!o) continue;
    const show = (x: typeof r) => `${x.passed ? 'pass' : 'fail'} found [${x.found.join(', ')}]`;
    if (o.passed !== r.passed || o.found.join() !== r.found.join() || o.unexpected.join() !== r.unexpected.join())
      out.push(`${key(r)}: ${show(o)} → ${show(r)}`);
  }
  return out;
}
