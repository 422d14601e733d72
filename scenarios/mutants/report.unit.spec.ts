import { describe, expect, it } from 'vitest';
import { cellsFor } from './cells.ts';
import {
  allKilled,
  renderMutantsJson,
  renderMutantsMarkdown,
  renderMutantsTable,
  summarize,
  timeToKillMs,
  type MutantResult,
  type MutantsRun,
} from './report.ts';

const killed: MutantResult = {
  id: 'relay-mark-before-send',
  description: 'marks before send',
  locations: ['system/relay/relay.ts:100'],
  status: 'killed',
  wallMs: 90_000,
  cells: [
    { cell: 'kill-relay@outbox/effectively-once', status: 'passed', anomalies: [], scenarioMs: 20_000 },
    { cell: 'broker-outage@outbox/effectively-once', status: 'killed', anomalies: ['lost', 'diverged'], scenarioMs: 25_000 },
  ],
};
const survivor: MutantResult = {
  id: 'cmd-key-ignored',
  description: 'ignores Idempotency-Key',
  killedBy: 'lost acknowledgements',
  locations: ['system/commandService/routes.ts:34'],
  status: 'survived',
  wallMs: 60_000,
  cells: [{ cell: 'slow-links@outbox/effectively-once', status: 'passed', anomalies: [], scenarioMs: 20_000 }],
};
const errored: MutantResult = {
  id: 'gone',
  description: 'd',
  locations: [],
  status: 'error',
  wallMs: 10,
  cells: [],
  detail: 'gone: edit 1: system/x.ts no longer contains "a | b"',
};
const { detail: _detail, ...erroredWithoutDetail } = errored;
const timedOut: MutantResult = {
  ...erroredWithoutDetail,
  id: 'slow',
  status: 'timeout',
  cells: [{ cell: 'a@outbox/effectively-once', status: 'timeout', anomalies: [], scenarioMs: null }],
};
const run: MutantsRun = {
  startedAt: '2026-11-28T06:00:00.000Z',
  finishedAt: '2026-11-28T06:10:00.000Z',
  seed: 1,
  profile: null,
  results: [killed, survivor, errored, timedOut],
};

describe('the mutants report', () => {
  it('time to kill is the scenario time of every run up to and including the killing one', () => {
    expect(timeToKillMs(killed)).toBe(45_000);
    expect(timeToKillMs(survivor)).toBeNull();
  });

  it('kill rate counts only kills; the Stryker score also counts timeouts', () => {
    expect(summarize(run.results)).toEqual({ total: 4, killed: 1, survived: 1, timeout: 1, error: 1, killRate: 0.25, mutationScore: 0.5 });
    expect(summarize([]).killRate).toBeNull();
  });

  it('passes the gate only when every mutant was killed', () => {
    expect(allKilled([killed])).toBe(true);
    expect(allKilled(run.results)).toBe(false);
    expect(allKilled([])).toBe(false);
  });

  it('markdown: a row per mutant, the kill rate, and each survivor with where it lives and what should catch it', () => {
    const md = renderMutantsMarkdown(run);
    expect(md).toMatch(/\*\*Kill rate: 1\/4 \(25\.0 %\)\*\*/);
    expect(md).toMatch(/\(10\.0 min\)/);
    expect(md).toMatch(
      /\| relay-mark-before-send \| KILLED \| broker-outage@outbox\/effectively-once \| lost, diverged \| 45\.0 s \| 2 \|/,
    );
    expect(md).toMatch(/### SURVIVED: cmd-key-ignored \(system\/commandService\/routes\.ts:34\)/);
    expect(md).toMatch(/Meant to be caught by: lost acknowledgements/);
    expect(md).toMatch(/no longer contains "a \\\| b"/); // a pipe cannot break the table
    expect(md).not.toMatch(/### KILLED/);
  });

  it('with every run made, the markdown lists each run of each mutant, kills after the first included', () => {
    const both: MutantResult = {
      ...killed,
      cells: [
        ...killed.cells,
        { cell: 'kill-relay@outbox/at-least-once', status: 'killed', anomalies: ['republished'], scenarioMs: 31_500 },
      ],
    };
    const md = renderMutantsMarkdown({ ...run, everyRun: true, results: [both] });
    expect(md).toMatch(/## Every run/);
    expect(md).toMatch(/\| relay-mark-before-send \| kill-relay@outbox\/effectively-once \| PASSED \| — \| 20\.0 s \|/);
    expect(md).toMatch(/\| relay-mark-before-send \| kill-relay@outbox\/at-least-once \| KILLED \| republished \| 31\.5 s \|/);
    expect(timeToKillMs(both)).toBe(45_000); // still the first kill
    expect(renderMutantsMarkdown(run)).not.toMatch(/## Every run/);
    expect(JSON.parse(renderMutantsJson({ ...run, everyRun: true })).everyRun).toBe(true);
  });

  it('json: stable fields per mutant, including the killing run and its anomalies', () => {
    const j = JSON.parse(renderMutantsJson(run));
    expect(j.summary.killRate).toBe(0.25);
    expect(j.mutants[0]).toMatchObject({
      id: 'relay-mark-before-send',
      status: 'killed',
      killingRun: 'broker-outage@outbox/effectively-once',
      anomalies: ['lost', 'diverged'],
      timeToKillMs: 45_000,
    });
    expect(j.mutants[1]).toMatchObject({
      status: 'survived',
      killingRun: null,
      timeToKillMs: null,
      locations: ['system/commandService/routes.ts:34'],
    });
    expect(j.mutants[0].runs).toHaveLength(2);
  });

  it('console table ends with the kill rate', () => {
    expect(renderMutantsTable(run.results).split('\n').at(-1)).toBe('kill rate 1/4 (25.0 %); survived 1, timeout 1, error 1');
  });
});

describe('cellsFor', () => {
  const base = { publish: 'outbox', consume: 'effectively-once' } as const;
  const ci = [
    { scenario: 'kill-relay', configuration: base },
    { scenario: 'poison-messages', configuration: base },
  ];
  it('own runs only by default; the profile when none declared; own first then the profile without repeats', () => {
    const own = [{ scenario: 'poison-messages', configuration: base }];
    expect(cellsFor({ cells: own }, ci, false)).toEqual(own);
    expect(cellsFor({}, ci, false)).toEqual(ci);
    expect(cellsFor({ cells: own }, ci, true).map((c) => c.scenario)).toEqual(['poison-messages', 'kill-relay']);
  });
});
