// Shards of one profile, run on several machines, back into one run folder: each shard's scenario
// records copied in, one runs.json listing them in the profile's order; the caller then judges it
// like any stored run, so the merged reports carry the same verdicts an unsharded run would.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunIndex, RunDirError } from './rejudge.ts';
import { RUN_INDEX_FILE, type RunIndex } from './runIndex.ts';

/** The label a record folder stands for (`kill-relay/outbox+at-least-once` → `kill-relay@outbox/at-least-once`). */
export const recordLabel = (record: string) => record.replace('/', '@').replace('+', '/');

/**
 * Merges the run folders into `out` (created; must not exist). `order`: cell labels in the
 * profile's order (results not in it go last, in shard order). Refuses shards of different
 * profiles or seeds, and a cell that two shards both ran.
 */
export function mergeRuns(dirs: readonly string[], out: string, order: readonly string[] = []): RunIndex {
  if (dirs.length < 2) throw new RunDirError('merge needs at least two run folders (the shards)');
  if (existsSync(out)) throw new RunDirError(`${out} exists: merge writes a new run folder`);
  const shards = dirs.map((d) => ({ dir: d, index: readRunIndex(d) }));
  const profiles = new Set(shards.map((s) => s.index.profile ?? '(none)'));
  if (profiles.size > 1) throw new RunDirError(`the shards ran different profiles: ${[...profiles].join(', ')}`);
  const seeds = new Set(shards.map((s) => /-seed(\d+)(?:-shard\d+of\d+)?$/.exec(s.index.runId)?.[1] ?? '?'));
  if (seeds.size > 1) throw new RunDirError(`the shards ran different seeds: ${[...seeds].join(', ')}`);
  const entries: { entry: RunIndex['results'][number]; label: string; from: string }[] = [];
  for (const s of shards) {
    for (const entry of s.index.results) {
      const label =
        'record' in entry
          ? recordLabel(entry.record)
          : `${entry.stored.scenario}@${entry.stored.configuration.publish}/${entry.stored.configuration.consume}`;
      const twice = entries.find((e) => e.label === label);
      if (twice) throw new RunDirError(`${label} was run by two shards (${twice.from} and ${s.dir}): shards must not overlap`);
      entries.push({ entry, label, from: s.dir });
    }
  }
  const rank = (label: string) => (order.includes(label) ? order.indexOf(label) : order.length);
  entries.sort((a, b) => rank(a.label) - rank(b.label));
  mkdirSync(out, { recursive: true });
  for (const e of entries) if ('record' in e.entry) cpSync(join(e.from, e.entry.record), join(out, e.entry.record), { recursive: true });
  const seed = [...seeds][0];
  const index: RunIndex = {
    runId: `merged-${shards.length}-shards-seed${seed}`,
    startedAt: shards.map((s) => s.index.startedAt).sort()[0]!,
    finishedAt: shards
      .map((s) => s.index.finishedAt)
      .sort()
      .at(-1)!,
    ...(shards[0]!.index.profile ? { profile: shards[0]!.index.profile } : {}),
    results: entries.map((e) => e.entry),
  };
  writeFileSync(join(out, RUN_INDEX_FILE), JSON.stringify(index, null, 2) + '\n');
  return index;
}

/** Each run's duration (s) from the report.json of the given run folders, for balancing shards. */
export function durationsOf(dirs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of dirs) {
    const report = JSON.parse(readFileSync(join(d, 'report.json'), 'utf8')) as {
      results: { scenario: string; configuration: { publish: string; consume: string }; durationMs: number }[];
    };
    for (const r of report.results)
      out[`${r.scenario}@${r.configuration.publish}/${r.configuration.consume}`] = Math.round(r.durationMs / 1000);
  }
  return out;
}
