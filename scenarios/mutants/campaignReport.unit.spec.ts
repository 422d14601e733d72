import { describe, expect, it } from 'vitest';
import { renderCampaignText, scoreOf, survivorText, type GeneratedResult } from './campaignReport.ts';
import type { GeneratedMutant } from './generated.ts';

const m = (id: string, original = 'a !== b', replacement = 'true'): GeneratedMutant => ({
  id,
  strykerId: '1',
  file: 'system/relay/relay.ts',
  mutatorName: 'ConditionalExpression',
  line: 12,
  column: 4,
  offset: 100,
  original,
  replacement,
});
const cell = (name: string, status: 'passed' | 'killed') => ({
  cell: name,
  status,
  anomalies: status === 'killed' ? ['lost'] : [],
  scenarioMs: 1000,
});
const r = (
  id: string,
  status: GeneratedResult['status'],
  cells = [cell('slow-links@outbox/effectively-once', 'passed')],
): GeneratedResult => ({
  mutant: m(id),
  status,
  cells,
  wallMs: 2000,
});

describe('generated campaign report', () => {
  it('scores killed over what is neither equivalent nor a compile error; no coverage counts against it', () => {
    const s = scoreOf([
      r('g-1', 'killed'),
      r('g-2', 'survived'),
      r('g-3', 'no-coverage'),
      r('g-4', 'equivalent'),
      r('g-5', 'compile-error'),
      r('g-6', 'timeout'),
    ]);
    expect(s).toMatchObject({ total: 6, scored: 4, killed: 1, equivalent: 1, compileError: 1, noCoverage: 1 });
    expect(s.killRate).toBe(0.25);
    expect(s.mutationScore).toBe(0.5);
  });

  it('lists each survivor with its diff and the runs it passed', () => {
    const text = survivorText(
      r('g-2', 'survived', [cell('kill-relay@outbox/effectively-once', 'passed'), cell('slow-links@outbox/effectively-once', 'passed')]),
    );
    expect(text).toEqual([
      'g-2  SURVIVED  ConditionalExpression at system/relay/relay.ts:12:5',
      '  - a !== b',
      '  + true',
      '  passed: kill-relay@outbox/effectively-once, slow-links@outbox/effectively-once',
    ]);
    expect(survivorText(r('g-3', 'no-coverage', []))).toContain('  passed: (no scenario runs this code)');
  });

  it('prints the score line and the to-do list', () => {
    const text = renderCampaignText({
      startedAt: '2026-12-07T10:00:00.000Z',
      finishedAt: '2026-12-07T10:30:00.000Z',
      seed: 1,
      sample: 3,
      files: null,
      shard: null,
      generated: 3841,
      results: [r('g-1', 'killed', [cell('db-crash@outbox/effectively-once', 'killed')]), r('g-2', 'survived')],
    });
    expect(text).toContain('score: 1/2 killed (50.0 %)');
    expect(text).toContain('30.0 min');
    expect(text).toMatch(/survivors .*\n.*g-2 {2}SURVIVED/);
  });

  it('says what the unit tier made of each survivor, beside the score and not in it', () => {
    const killedByUnit: GeneratedResult = {
      ...r('g-2', 'survived'),
      unit: { status: 'killed', failed: ['system/shared/kafka.unit.spec.ts › retries a broker error'] },
    };
    const seenByNone: GeneratedResult = { ...r('g-3', 'survived'), unit: { status: 'passed', failed: [] } };
    expect(survivorText(killedByUnit)).toContain('  unit tier: kills it (system/shared/kafka.unit.spec.ts › retries a broker error)');
    expect(survivorText(seenByNone)).toContain('  unit tier: passes too (no unit spec sees it either)');
    const s = scoreOf([killedByUnit, seenByNone, r('g-1', 'killed')]);
    expect(s).toMatchObject({ killed: 1, survived: 2, unitKilled: 1 });
    expect(s.killRate).toBeCloseTo(1 / 3);
    const text = renderCampaignText({
      startedAt: '2026-12-07T10:00:00.000Z',
      finishedAt: '2026-12-07T10:30:00.000Z',
      seed: 1,
      sample: 3,
      files: null,
      shard: null,
      generated: 3841,
      results: [killedByUnit, seenByNone],
    });
    expect(text).toContain('of the 2 survivors, the unit tier kills 1 (not counted in the score');
  });
});
