import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { environmentChanges, groupByEnvironment } from './brokerGroups.ts';
import { planMatrix } from './matrix.ts';
import { mergeRuns, recordLabel } from './mergeRuns.ts';
import { RunDirError } from './rejudge.ts';
import { cellKey, DEFAULT_CELL_MS, parseShard, planShards, runFolderName } from './shard.ts';

const full = planMatrix(SCENARIOS, { profile: 'full' });

describe('shards', () => {
  it('split a profile into n slices that together are the profile, each in the profile order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.dictionary(fc.constantFrom(...full.map(cellKey)), fc.integer({ min: 1, max: 600_000 })),
        (n, ms) => {
          const shards = planShards(full, n, ms);
          expect(shards).toHaveLength(n);
          expect(shards.flat().map(cellKey).sort()).toEqual(full.map(cellKey).sort());
          for (const s of shards) {
            const positions = s.map((c) => full.indexOf(c));
            expect(positions).toEqual([...positions].sort((a, b) => a - b));
          }
        },
      ),
    );
  });

  it('are the same on every machine and balance by duration (longest first to the least loaded)', () => {
    const ms = Object.fromEntries(full.map((c, i) => [cellKey(c), (i % 7) * 10_000 + 20_000]));
    expect(planShards(full, 3, ms)).toEqual(planShards([...full], 3, { ...ms }));
    const loads = planShards(full, 3, ms).map((s) => s.reduce((t, c) => t + (ms[cellKey(c)] ?? DEFAULT_CELL_MS), 0));
    const longest = Math.max(...Object.values(ms));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(longest);
  });

  it('keeps each topology contiguous in a shard, so it is brought up at most once', () => {
    for (const s of planShards(full, 2, {})) {
      const topologies = s.map((c) => c.scenario.topology?.brokers ?? 1);
      const changes = topologies.filter((t, i) => i > 0 && t !== topologies[i - 1]).length;
      expect(changes).toBeLessThanOrEqual(new Set(topologies).size - 1);
    }
  });

  it("bring each topology up at most once per shard and switch the binary log at most once per topology, in the suite's grouping", () => {
    expect(full.some((c) => c.configuration.publish === 'cdc')).toBe(true);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.dictionary(fc.constantFrom(...full.map(cellKey)), fc.integer({ min: 1, max: 600_000 })),
        (n, ms) => {
          for (const s of planShards(full, n, ms)) {
            const groups = groupByEnvironment(s, 1);
            const topologies = new Set(groups.map((g) => g.brokers));
            const { reUps, binlogSwitches } = environmentChanges(groups);
            expect(reUps).toBe(Math.max(0, topologies.size - 1));
            expect(binlogSwitches).toBeLessThanOrEqual(topologies.size);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('parse as i/n', () => {
    expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
    expect(() => parseShard('3/2')).toThrow(/i\/n/);
  });
});

function shardDir(root: string, name: string, runId: string, records: string[]): string {
  const dir = join(root, name);
  for (const r of records) {
    mkdirSync(join(dir, r), { recursive: true });
    writeFileSync(join(dir, r, 'run.json'), JSON.stringify({ record: r }));
  }
  const index = {
    runId,
    startedAt: `2026-12-07T10:0${name.length}:00.000Z`,
    finishedAt: '2026-12-07T11:00:00.000Z',
    profile: 'ci',
    results: records.map((record) => ({ record })),
  };
  writeFileSync(join(dir, 'runs.json'), JSON.stringify(index));
  return dir;
}

describe('merging shard run folders', () => {
  it('copies every record and lists them in the profile order', () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-merge-'));
    const a = shardDir(root, 'a', 'x-seed1-shard1of2', ['slow-links/outbox+effectively-once']);
    const b = shardDir(root, 'bb', 'y-seed1-shard2of2', ['kill-relay/outbox+effectively-once', 'broker-outage/outbox+effectively-once']);
    const order = ['broker-outage@outbox/effectively-once', 'slow-links@outbox/effectively-once', 'kill-relay@outbox/effectively-once'];
    const index = mergeRuns([a, b], join(root, 'merged'), order);
    expect(index.results).toEqual([
      { record: 'broker-outage/outbox+effectively-once' },
      { record: 'slow-links/outbox+effectively-once' },
      { record: 'kill-relay/outbox+effectively-once' },
    ]);
    expect(index).toMatchObject({ runId: 'merged-2-shards-seed1', profile: 'ci', startedAt: '2026-12-07T10:01:00.000Z' });
    expect(JSON.parse(readFileSync(join(root, 'merged', 'kill-relay/outbox+effectively-once', 'run.json'), 'utf8'))).toEqual({
      record: 'kill-relay/outbox+effectively-once',
    });
    expect(recordLabel('kill-relay/outbox+at-least-once')).toBe('kill-relay@outbox/at-least-once');
  });

  it('refuses overlapping shards, different seeds, a single folder and an existing destination', () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-merge-'));
    const a = shardDir(root, 'a', 'x-seed1', ['slow-links/outbox+effectively-once']);
    const b = shardDir(root, 'b', 'y-seed1', ['slow-links/outbox+effectively-once']);
    const c = shardDir(root, 'c', 'z-seed2-shard2of2', ['kill-relay/outbox+effectively-once']);
    expect(() => mergeRuns([a, b], join(root, 'm1'))).toThrow(/run by two shards/);
    expect(() => mergeRuns([a, c], join(root, 'm2'))).toThrow(/different seeds/);
    expect(() => mergeRuns([a], join(root, 'm3'))).toThrow(RunDirError);
    expect(() => mergeRuns([a, c], a)).toThrow(/exists/);
  });

  it("names each slice's run folder after its shard, so two shards started in the same second never share one", () => {
    const at = new Date('2026-12-08T00:23:02.513Z');
    expect(runFolderName(at, 5)).toBe('2026-12-08T00-23-02-seed5');
    expect(runFolderName(at, 5, { index: 1, count: 2 })).toBe('2026-12-08T00-23-02-seed5-shard1of2');
    expect(runFolderName(at, 5, { index: 1, count: 2 })).not.toBe(runFolderName(at, 5, { index: 2, count: 2 }));
  });
});
