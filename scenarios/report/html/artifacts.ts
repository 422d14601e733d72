// Reads what a scenario × configuration folder of a run holds: history.jsonl, samples.json and,
// when the runner saved it, final-state.json. Missing files give empty data, never an error:
// a harness failure leaves a folder half written, and the report still has to render.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationLabel } from '../../checkers/expectations.ts';
import { type Configuration } from '../../../system/shared/modes.ts';
import { readHistory } from '../../history/reader.ts';
import type { HistoryEntry } from '../../history/types.ts';
import type { FinalState } from '../../record/types.ts';
import type { Sample } from '../../record/types.ts';
import { loadFinalState } from './finalStateFile.ts';

export interface ScenarioArtifacts {
  dir: string;
  entries: HistoryEntry[];
  samples: Sample[];
  /** History-clock ms at which the sampler started, when the runner recorded it. */
  samplerStartMs?: number;
  final?: FinalState;
  problems: string[]; // files that could not be read, said in the report
}

/** `reports/<run>/<scenario>/<publish>+<consume>`, as the suite names it. */
export function scenarioDir(runDir: string, scenario: string, c: Configuration): string {
  return join(runDir, scenario, configurationLabel(c).replace('/', '+'));
}

export function loadArtifacts(dir: string): ScenarioArtifacts {
  const out: ScenarioArtifacts = { dir, entries: [], samples: [], problems: [] };
  const attempt = (file: string, f: (path: string) => void) => {
    const path = join(dir, file);
    if (!existsSync(path)) return out.problems.push(`${file} missing`);
    try {
      f(path);
    } catch (err) {
      out.problems.push(`${file}: ${(err as Error).message}`);
    }
  };
  attempt('history.jsonl', (p) => {
    out.entries = readHistory(p);
  });
  attempt('samples.json', (p) => {
    const s = JSON.parse(readFileSync(p, 'utf8')) as { samples?: Sample[]; startMs?: number };
    out.samples = Array.isArray(s.samples) ? s.samples : [];
    if (typeof s.startMs === 'number') out.samplerStartMs = s.startMs;
  });
  try {
    const final = loadFinalState(dir);
    if (final) out.final = final;
  } catch (err) {
    out.problems.push(`final-state.json: ${(err as Error).message}`);
  }
  return out;
}
