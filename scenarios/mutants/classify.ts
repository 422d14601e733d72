// From what one scenario run left behind (exit code, report.json, timeout) to a verdict on the
// mutant, as Stryker has it: killed (a scenario failed with an anomaly, or a system process of the
// mutated copy never became ready), survived (every run passed), timeout, or error (it could not be
// judged: apply/typecheck failure, a server of the environment that did not start, another harness
// failure). Pure.

/** The few report.json fields read here (scenarios/report/json.ts writes them); checked at run time. */
export interface ReportResult {
  scenario: string;
  passed: boolean;
  durationMs: number;
  unexpected: string[];
  missing: string[];
  failureReasons: string[];
  error: string | null;
}

export type CellStatus = 'passed' | 'killed' | 'error' | 'timeout';
export type MutantStatus = 'killed' | 'survived' | 'timeout' | 'error';

export interface CellOutcome {
  cell: string; // scenario@publish/consume
  status: CellStatus;
  /** Anomaly names that failed the run (`missing <name>` for a required anomaly not seen). */
  anomalies: string[];
  scenarioMs: number | null; // the scenario's own time from its report
  detail?: string;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The first result of a parsed report.json, or a reason why there is none usable. */
export function readReportResult(json: unknown): ReportResult | string {
  const results = (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length === 0) return 'report.json has no results';
  const r = results[0] as Record<string, unknown>;
  if (typeof r.passed !== 'boolean' || !isStrings(r.unexpected) || !isStrings(r.missing) || !isStrings(r.failureReasons)) {
    return 'report.json result lacks passed/unexpected/missing/failureReasons (its schema changed?)';
  }
  return {
    scenario: String(r.scenario),
    passed: r.passed,
    durationMs: typeof r.durationMs === 'number' ? r.durationMs : 0,
    unexpected: r.unexpected,
    missing: r.missing,
    failureReasons: r.failureReasons,
    error: typeof r.error === 'string' ? r.error : null,
  };
}

const SYSTEM_START_FAILED = /(?:^|: )((?:command-service|relay|projector|query-api)(?:#\d+)?) failed to start: /;

export function classifyCell(
  cell: string,
  run: { timedOut: boolean; exitCode: number | null; report: ReportResult | string; logTail?: string },
): CellOutcome {
  if (run.timedOut) return { cell, status: 'timeout', anomalies: [], scenarioMs: null, detail: 'the scenario did not finish in time' };
  if (typeof run.report === 'string') {
    return {
      cell,
      status: 'error',
      anomalies: [],
      scenarioMs: null,
      detail: `exit ${run.exitCode}: ${run.report}${run.logTail ? `\n${run.logTail}` : ''}`,
    };
  }
  const r = run.report;
  const anomalies = [...r.unexpected, ...r.missing.map((m) => `missing ${m}`)];
  // An anomaly outranks a harness error in the same run: the checkers still judged the data.
  if (anomalies.length) return { cell, status: 'killed', anomalies, scenarioMs: r.durationMs };
  if (r.passed && run.exitCode === 0) return { cell, status: 'passed', anomalies: [], scenarioMs: r.durationMs };
  // The mutated code kept one of the system's own processes from ever becoming ready (it exited,
  // or never answered ready): the gate fails loudly on it, as any test run would. A server of the
  // environment (Kafka, MariaDB, Toxiproxy) that failed to start is not the mutant's doing.
  const notStarted = [r.error ?? '', ...r.failureReasons].map((t) => SYSTEM_START_FAILED.exec(t)?.[1]).find(Boolean);
  if (notStarted) return { cell, status: 'killed', anomalies: [`${notStarted} did not start`], scenarioMs: r.durationMs };
  const why = r.failureReasons.length ? r.failureReasons.join('; ') : `exit ${run.exitCode} although the report passed`;
  return { cell, status: 'error', anomalies: [], scenarioMs: r.durationMs, detail: why };
}

/** Stop at the first kill; otherwise a timeout or an error makes the mutant unjudged, not survived. */
export function mutantStatus(cells: readonly CellOutcome[]): MutantStatus {
  if (cells.length === 0) return 'error'; // nothing ran: nothing was judged
  if (cells.some((c) => c.status === 'killed')) return 'killed';
  if (cells.some((c) => c.status === 'timeout')) return 'timeout';
  if (cells.some((c) => c.status === 'error')) return 'error';
  return 'survived';
}

export const shouldStop = (c: CellOutcome) => c.status === 'killed';
