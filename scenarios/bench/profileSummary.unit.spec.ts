import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileLabel, renderSummary, summarizeProfile, summarizeProfileFile, type CpuProfile } from './profileSummary.ts';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0 });

// Six nodes; the samples below give each a self time worked out by hand (µs):
// relayLoop 20, query 15, (idle) 10, (garbage collector) 10, sendBatch 45 (the last sample runs to
// endTime); the tests scale the deltas by 1000 so the figures read in ms.
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('relayLoop', 'file:///w/system/relay/relay.ts', 9), children: [4, 6] },
    { id: 4, callFrame: frame('query', 'file:///w/node_modules/mysql2/lib/connection.js', 99) },
    { id: 5, callFrame: frame('(garbage collector)') },
    { id: 6, callFrame: frame('sendBatch', 'file:///w/system/relay/relay.ts', 199) },
  ],
  startTime: 0,
  endTime: 100,
  samples: [3, 3, 4, 4, 2, 5, 6],
  timeDeltas: [0, 10, 10, 10, 5, 10, 10],
};

describe('summarizeProfile', () => {
  it('sums self time per function and per file, each sample lasting until the next', () => {
    const us = summarizeProfile({ ...PROFILE, endTime: 100_000, timeDeltas: PROFILE.timeDeltas!.map((d) => d * 1000) }, { root: '/w' });
    expect(us.totalMs).toBe(100);
    expect(us.idleMs).toBe(10);
    expect(us.gcMs).toBe(10);
    expect(us.busyMs).toBe(90);
    expect(us.topFunctions).toEqual([
      { name: 'sendBatch system/relay/relay.ts:200', ms: 45, pctBusy: 50 },
      { name: 'relayLoop system/relay/relay.ts:10', ms: 20, pctBusy: 22.2 },
      { name: 'query mysql2:100', ms: 15, pctBusy: 16.7 },
      { name: '(garbage collector)', ms: 10, pctBusy: 11.1 },
    ]);
    expect(us.topFiles).toEqual([
      { name: 'system/relay/relay.ts', ms: 65, pctBusy: 72.2 },
      { name: 'mysql2', ms: 15, pctBusy: 16.7 },
      { name: '(garbage collector)', ms: 10, pctBusy: 11.1 },
    ]);
  });

  it('keeps only the top N', () => {
    const s = summarizeProfile({ ...PROFILE, endTime: 100_000, timeDeltas: PROFILE.timeDeltas!.map((d) => d * 1000) }, { top: 1 });
    expect(s.topFunctions.map((t) => t.name)).toEqual(['sendBatch system/relay/relay.ts:200']);
    expect(s.topFiles).toHaveLength(1);
  });

  it('counts only the samples taken inside a wall-clock window', () => {
    const p = { ...PROFILE, endTime: 100_000, timeDeltas: PROFILE.timeDeltas!.map((d) => d * 1000), wallStartMs: 1_000 };
    // Samples start at wall ms 1000, 1010, 1020, 1030, 1035, 1045, 1055: [1020, 1040) holds query (10 + 5) and idle (10).
    const s = summarizeProfile(p, { window: { fromMs: 1_020, toMs: 1_040 } });
    expect(s).toMatchObject({ totalMs: 25, idleMs: 10, busyMs: 15, gcMs: 0 });
    expect(s.topFunctions).toEqual([{ name: 'query mysql2:100', ms: 15, pctBusy: 100 }]);
    expect(() => summarizeProfile(PROFILE, { window: { fromMs: 0, toMs: 1 } })).toThrow(/wallStartMs/);
  });

  it('refuses a sample that names a node the profile lacks', () => {
    expect(() => summarizeProfile({ ...PROFILE, samples: [3, 42] })).toThrow(/node 42/);
  });

  it('an empty profile sums to zero', () => {
    expect(summarizeProfile({ nodes: [], startTime: 0, endTime: 0 })).toMatchObject({ totalMs: 0, busyMs: 0, topFunctions: [] });
  });
});

describe('fileLabel', () => {
  it('groups node_modules by package and shortens project paths', () => {
    expect(fileLabel('file:///x/node_modules/kafkajs/src/a.js')).toBe('kafkajs');
    expect(fileLabel('file:///x/node_modules/@opentelemetry/api/build/b.js')).toBe('@opentelemetry/api');
    expect(fileLabel('file:///a/b/wt/perf/system/projector/projectRun.ts')).toBe('system/projector/projectRun.ts');
    expect(fileLabel('node:internal/stream_base_commons')).toBe('node:internal/stream_base_commons');
    expect(fileLabel('')).toBe('(native)');
  });
});

describe('summarizeProfileFile', () => {
  it('reads a profile from disk and renders it; a file that is no profile is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profsum-'));
    const good = join(dir, 'relay-1.cpuprofile');
    writeFileSync(good, JSON.stringify({ ...PROFILE, endTime: 100_000, timeDeltas: PROFILE.timeDeltas!.map((d) => d * 1000) }));
    const text = renderSummary('relay', summarizeProfileFile(good)).join('\n');
    expect(text).toContain('relay: 100 ms sampled, busy 90 %, idle 10 %, gc 10 %');
    expect(text).toMatch(/45 ms +50\.0 % +sendBatch/);
    const bad = join(dir, 'bad.cpuprofile');
    writeFileSync(bad, '{"hello": 1}');
    expect(() => summarizeProfileFile(bad)).toThrow(/not a V8 cpuprofile/);
    writeFileSync(bad, 'not json');
    expect(() => summarizeProfileFile(bad)).toThrow(/cannot read cpuprofile/);
  });
});
