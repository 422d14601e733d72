import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKERS } from '../checkers/compose.ts';
import { result, type Checker } from '../checkers/types.ts';
import type { HistoryEntry } from '../history/types.ts';
import { writeRecord } from '../record/scenarioRecord.ts';
import { toReportJson } from '../report/json.ts';
import { writeReports } from '../report/writeReports.ts';
import { rejudgeRun, RunDirError } from './rejudge.ts';
import { RUN_INDEX_FILE } from './runIndex.ts';
import { emptyFinal, facts } from './testing.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const t = (ms: number) => ({ ms, wall: new Date(ms).toISOString() });

/** A run folder by hand: one record where op 1 (ok, u1 v1) never reached the read model. */
function handBuiltRun(): string {
  dir = mkdtempSync(join(tmpdir(), 'rejudge-'));
  const rec = join(dir, 'fake', 'outbox+effectively-once');
  mkdirSync(rec, { recursive: true });
  const history: HistoryEntry[] = [
    { type: 'meta', scenario: 'fake', seed: 1, t: t(0) },
    { type: 'invoke', id: 1, process: 0, kind: 'register', userId: 'u1', name: 'Ann', idempotencyKey: 'k1', t: t(10) },
    { type: 'complete', id: 1, outcome: 'ok', status: 201, version: 1, eventId: 'e1', t: t(20) },
  ];
  writeFileSync(join(rec, 'history.jsonl'), history.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const final = emptyFinal();
  final.write.events.push({
    eventId: 'e1',
    streamId: 'u1',
    streamVersion: 1,
    type: 'UserRegistered',
    payload: { name: 'Ann', dateRegister: '2026-01-01' },
    occurredAt: '2026-01-01T00:00:00.000Z',
  });
  final.write.users.push({ idUserData: 'u1', name: 'Ann', dateRegister: '2026-01-01', version: 1, deleted: false });
  writeRecord(rec, {
    facts: facts({ expectation: { required: [], allowed: [] } }),
    final,
    samples: { startMs: 0, samples: [], telemetry: [], schedule: [] },
  });
  writeFileSync(
    join(dir, RUN_INDEX_FILE),
    JSON.stringify({ runId: 'r1', startedAt: 'a', finishedAt: 'b', results: [{ record: 'fake/outbox+effectively-once' }] }),
  );
  return dir;
}

const feltOf = () => [];

describe('re-judging a stored run', () => {
  it('gives the verdicts the run wrote (judged from the files alone)', () => {
    const d = handBuiltRun();
    const first = rejudgeRun(d, { feltOf });
    writeReports(d, first);
    const stored = JSON.parse(readFileSync(join(d, 'report.json'), 'utf8'));
    const again = rejudgeRun(d, { feltOf });
    expect(toReportJson(again)).toEqual(stored);
    expect(again.results[0]!.verdict).toMatchObject({ ok: false, unexpected: expect.arrayContaining(['lost']) });
    expect(again.results[0]!.ops).toEqual({ ok: 1, fail: 0, unknown: 0 });
    expect(again.results[0]!.convergenceMs).toBe(50);
  });

  it('a changed checker changes the verdict', () => {
    const d = handBuiltRun();
    const blind: Checker[] = Object.entries(CHECKERS).map(([name, c]) =>
      name === 'lost' || name === 'diverged' ? () => result(name, []) : c,
    );
    const before = rejudgeRun(d, { feltOf });
    const after = rejudgeRun(d, { feltOf, checkers: blind });
    expect(before.results[0]!.verdict.found).toContain('lost');
    expect(after.results[0]!.verdict.found).not.toContain('lost');
    expect(after.results[0]!.verdict.ok).not.toBe(before.results[0]!.verdict.ok);
  });

  it('re-runs the non-vacuity checks of the catalog, and says when a scenario is unknown', () => {
    const d = handBuiltRun();
    const felt = rejudgeRun(d, { feltOf: () => [{ describe: 'an ok op', check: (o) => o.ops.some((op) => op.outcome === 'ok') }] });
    expect(felt.results[0]!.nonVacuity).toEqual([{ claim: 'an ok op', observed: true }]);
    expect(rejudgeRun(d, { feltOf: () => undefined }).results[0]!.error).toMatch(/not in the catalog/);
  });

  it('a folder that is not a run says what is wrong', () => {
    dir = mkdtempSync(join(tmpdir(), 'rejudge-'));
    expect(() => rejudgeRun(join(dir, 'nope'), { feltOf })).toThrow(RunDirError);
    expect(() => rejudgeRun(dir, { feltOf })).toThrow(/runs\.json not found/);
    writeFileSync(join(dir, RUN_INDEX_FILE), '{ nope');
    expect(() => rejudgeRun(dir, { feltOf })).toThrow(/is not JSON/);
    writeFileSync(join(dir, RUN_INDEX_FILE), '{"results": []}');
    expect(() => rejudgeRun(dir, { feltOf })).toThrow(/not a faultline run index/);
  });
});
