// `final-state.json` beside history.jsonl: the final reads for the streams anomalies name, so the
// report can draw a per-stream timeline (written / published / applied / dead-lettered) later.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Anomaly } from '../../checkers/types.ts';
import type { FinalState } from '../../runner/finalState.ts';

export const FINAL_STATE_FILE = 'final-state.json';

/** Keeps only the rows of the given streams (all rows when `streams` is undefined). */
export function finalStateOf(final: FinalState, streams?: ReadonlySet<string>): FinalState {
  const keep = (id: string | null | undefined) => streams === undefined || (id != null && streams.has(id));
  return {
    write: { events: final.write.events.filter((e) => keep(e.streamId)), users: final.write.users.filter((u) => keep(u.idUserData)) },
    read: {
      users: final.read.users.filter((u) => keep(u.idUserData)),
      applied: final.read.applied.filter((r) => keep(r.streamId)),
      parked: final.read.parked.filter((r) => keep(r.streamId)),
    },
    topics: { events: final.topics.events.filter((r) => keep(r.key)), dlq: final.topics.dlq.filter((r) => keep(r.key)) },
  };
}

/**
 * Writes `dir/final-state.json`. With `anomalies`, only the streams they name (nothing written when
 * they name none): the file stays small on a clean run.
 */
export function saveFinalState(dir: string, final: FinalState, anomalies?: readonly Anomaly[]): string | undefined {
  const streams = anomalies ? new Set(anomalies.flatMap((a) => (a.streamId ? [a.streamId] : []))) : undefined;
  if (streams && streams.size === 0) return undefined;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, FINAL_STATE_FILE);
  writeFileSync(path, JSON.stringify(finalStateOf(final, streams)));
  return path;
}

export function loadFinalState(dir: string): FinalState | undefined {
  const path = join(dir, FINAL_STATE_FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as FinalState;
}
