// `final-state.json` beside history.jsonl: the full final reads, from which the report draws a
// per-stream timeline (written / published / applied / dead-lettered) of each anomaly's stream.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FinalState } from '../../record/types.ts';
import { RECORD_FILES } from '../../record/scenarioRecord.ts';

export function loadFinalState(dir: string): FinalState | undefined {
  const path = join(dir, RECORD_FILES.final);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as FinalState;
}
