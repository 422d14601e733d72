import { describe, expect, it } from 'vitest';
import { classifyCell, mutantStatus, readReportResult, type CellOutcome, type ReportResult } from './classify.ts';

const result = (over: Partial<ReportResult> = {}): ReportResult => ({
  scenario: 'kill-relay',
  passed: true,
  durationMs: 21_000,
  unexpected: [],
  missing: [],
  failureReasons: [],
  error: null,
  ...over,
});
const cell = (status: CellOutcome['status']): CellOutcome => ({ cell: 'x@outbox/effectively-once', status, anomalies: [], scenarioMs: 1 });

describe('classifyCell', () => {
  it('a passing run lets the mutant live', () => {
    expect(classifyCell('c', { timedOut: false, exitCode: 0, report: result() })).toEqual({
      cell: 'c',
      status: 'passed',
      anomalies: [],
      scenarioMs: 21_000,
    });
  });

  it('an unexpected anomaly kills, and names it with the scenario time', () => {
    const o = classifyCell('c', {
      timedOut: false,
      exitCode: 1,
      report: result({ passed: false, unexpected: ['lost', 'diverged'], failureReasons: ['unexpected: lost, diverged'] }),
    });
    expect(o).toMatchObject({ status: 'killed', anomalies: ['lost', 'diverged'], scenarioMs: 21_000 });
  });

  it('a required anomaly that went missing kills too (the behaviour the matrix demands changed)', () => {
    const o = classifyCell('c', { timedOut: false, exitCode: 1, report: result({ passed: false, missing: ['lost'] }) });
    expect(o).toMatchObject({ status: 'killed', anomalies: ['missing lost'] });
  });

  it('a failure without any anomaly (a server that did not start, a fault never felt) is an error, not a kill', () => {
    const o = classifyCell('c', {
      timedOut: false,
      exitCode: 1,
      report: result({
        passed: false,
        error: 'kafka-1 failed to start: not ready after 120000 ms',
        failureReasons: ['harness error: kafka-1 failed to start: not ready after 120000 ms'],
      }),
    });
    expect(o.status).toBe('error');
    expect(o.detail).toMatch(/failed to start/);
    expect(
      classifyCell('c', {
        timedOut: false,
        exitCode: 1,
        report: result({ passed: false, failureReasons: ['fault never felt: relay restarted'] }),
      }).status,
    ).toBe('error');
  });

  it('a system process of the mutated copy that never became ready kills: the gate fails on it', () => {
    const o = classifyCell('c', {
      timedOut: false,
      exitCode: 1,
      report: result({
        passed: false,
        error: 'projector failed to start: projector: not ready after 45000 ms\n--- last lines of projector.log ---',
        failureReasons: ['harness error: projector failed to start: projector: not ready after 45000 ms'],
      }),
    });
    expect(o).toMatchObject({ status: 'killed', anomalies: ['projector did not start'] });
    const second = classifyCell('c', {
      timedOut: false,
      exitCode: 1,
      report: result({ passed: false, failureReasons: ['harness error: projector#2 failed to start: projector#2: the process exited'] }),
    });
    expect(second).toMatchObject({ status: 'killed', anomalies: ['projector#2 did not start'] });
  });

  it('no report is an error that carries the exit code and the log tail; a timeout is a timeout', () => {
    const o = classifyCell('c', {
      timedOut: false,
      exitCode: 2,
      report: 'the scenario CLI wrote no report',
      logTail: 'error: unknown scenario',
    });
    expect(o.status).toBe('error');
    expect(o.detail).toMatch(/^exit 2: the scenario CLI wrote no report\nerror: unknown scenario$/);
    expect(classifyCell('c', { timedOut: true, exitCode: null, report: result({ passed: false, unexpected: ['lost'] }) }).status).toBe(
      'timeout',
    );
  });

  it('a report that passed but a non-zero exit is not trusted as a pass', () => {
    expect(classifyCell('c', { timedOut: false, exitCode: 1, report: result() }).status).toBe('error');
  });
});

describe('readReportResult', () => {
  it('reads the first result of report.json and rejects a changed schema with a reason', () => {
    const r = readReportResult({
      results: [{ scenario: 's', passed: false, durationMs: 5, unexpected: ['lost'], missing: [], failureReasons: ['x'], error: null }],
    });
    expect(r).toEqual({
      scenario: 's',
      passed: false,
      durationMs: 5,
      unexpected: ['lost'],
      missing: [],
      failureReasons: ['x'],
      error: null,
    });
    expect(readReportResult({ results: [] })).toMatch(/no results/);
    expect(readReportResult({ results: [{ passed: 'yes' }] })).toMatch(/schema changed/);
    expect(readReportResult(null)).toMatch(/no results/);
  });
});

describe('mutantStatus', () => {
  it('killed if any run killed; else timeout, then error, over survived; nothing run is an error', () => {
    expect(mutantStatus([cell('passed'), cell('error'), cell('killed')])).toBe('killed');
    expect(mutantStatus([cell('error'), cell('timeout')])).toBe('timeout');
    expect(mutantStatus([cell('passed'), cell('error')])).toBe('error');
    expect(mutantStatus([cell('passed'), cell('passed')])).toBe('survived');
    expect(mutantStatus([])).toBe('error');
  });
});
