// Rebuilds a run's RunResult from its folder: the history (ops, faults, seed) from each
// history.jsonl, and what the history cannot give (checker verdicts, expectations, convergence,
// non-vacuity) from the report.json the run wrote. The report writers then redo every file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AnomalyName } from '../checkers/types.ts';
import type { Anomaly, CheckResult } from '../checkers/types.ts';
import { metaOf, toFaultWindows, toOperations } from '../history/reader.ts';
import type { CommandOp, FaultWindow, HistoryEntry } from '../history/types.ts';
import { loadArtifacts, scenarioDir } from './html/artifacts.ts';
import type { ReportJson } from './json.ts';
import type { RunResult, ScenarioRunResult } from './types.ts';

export class RunDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDirError';
  }
}

type ResultJson = ReportJson['results'][number];
type AnomalyJson = ResultJson['anomalies'][number];

/** Reads and sanity-checks `<dir>/report.json`; a clear RunDirError for each way it can be wrong. */
export function readReportJson(dir: string): ReportJson {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunDirError(`${dir} is not a directory`);
  const path = join(dir, 'report.json');
  if (!existsSync(path)) throw new RunDirError(`${path} not found: give a run folder, e.g. reports/<run-id>`);
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RunDirError(`${path} is not JSON: ${(err as Error).message}`);
  }
  const r = j as Partial<ReportJson> | null;
  if (!r || typeof r !== 'object' || !r.run || !Array.isArray(r.results)) throw new RunDirError(`${path} is not a faultline report (no run / results)`);
  return r as ReportJson;
}

/** The history's op when there is one (complete, with timestamps), else the report's summary of it. */
function opOf(a: AnomalyJson, ops: ReadonlyMap<number, CommandOp>): CommandOp | undefined {
  if (!a.op) return undefined;
  const known = ops.get(a.op.id);
  if (known) return known;
  const o = a.op;
  return {
    id: o.id, process: 0, kind: o.kind as CommandOp['kind'], userId: o.userId, idempotencyKey: '', invoke: { ms: 0, wall: '' }, complete: null,
    outcome: o.outcome as CommandOp['outcome'], ...(o.version !== null ? { version: o.version } : {}), ...(o.eventId !== null ? { eventId: o.eventId } : {}),
  };
}

function anomalyOf(a: AnomalyJson, ops: ReadonlyMap<number, CommandOp>): Anomaly {
  const op = opOf(a, ops);
  return {
    name: a.name as AnomalyName, message: a.message,
    ...(a.streamId !== null ? { streamId: a.streamId } : {}), ...(a.eventId !== null ? { eventId: a.eventId } : {}),
    ...(a.versions.length ? { versions: a.versions } : {}), ...(op ? { op } : {}),
    ...(Object.keys(a.data).length ? { data: a.data } : {}),
  };
}

/** report.json lists anomalies as anomaliesOf(r): the checks' lists concatenated in order; split them back by count. */
function checksOf(j: ResultJson, ops: ReadonlyMap<number, CommandOp>): CheckResult[] {
  let at = 0;
  return j.checks.map((c) => {
    const anomalies = j.anomalies.slice(at, at + c.anomalyCount).map((a) => anomalyOf(a, ops));
    at += c.anomalyCount;
    return { name: c.name, valid: c.valid, anomalies, ...(c.error !== null ? { error: c.error } : {}) };
  });
}

function faultsFromJson(j: ResultJson): FaultWindow[] {
  return j.faults.map((f) => ({
    faultId: f.faultId, fault: f.fault, target: f.target, ...(Object.keys(f.params).length ? { params: f.params } : {}),
    start: { ms: f.startMs, wall: '' }, stop: f.stopMs === null ? null : { ms: f.stopMs, wall: '' }, ...(f.error !== null ? { error: f.error } : {}),
  }));
}

/**
 * report.json writes null both for "did not converge" and "not measured"; the slow-convergence
 * checker's anomaly with `tookMs: null` tells the first apart.
 */
function convergenceOf(j: ResultJson): { convergenceMs?: number | null } {
  if (j.convergenceMs !== null) return { convergenceMs: j.convergenceMs };
  const never = j.anomalies.some((a) => a.name === 'slow-convergence' && (a.data as { tookMs?: unknown }).tookMs === null);
  return never ? { convergenceMs: null } : {};
}

/** One result: report.json's verdicts, with ops counts, faults and seed from the history when it is there. */
export function rebuildResult(j: ResultJson, entries: readonly HistoryEntry[]): ScenarioRunResult {
  const ops = toOperations(entries);
  const byId = new Map(ops.map((o) => [o.id, o]));
  const meta = metaOf(entries);
  const count = (o: CommandOp['outcome']) => ops.filter((x) => x.outcome === o).length;
  const faults = entries.some((e) => e.type === 'fault') ? toFaultWindows(entries) : faultsFromJson(j);
  const seed = meta?.seed ?? j.seed;
  const path = meta?.path ?? j.path;
  return {
    scenario: j.scenario, ...(j.purpose !== null ? { purpose: j.purpose } : {}),
    configuration: { publish: j.configuration.publish, consume: j.configuration.consume },
    startedAt: j.startedAt, durationMs: j.durationMs,
    ...(seed !== null && seed !== undefined ? { seed } : {}), ...(path !== null && path !== undefined ? { path } : {}),
    ...(j.replay !== null ? { replay: j.replay } : {}),
    ops: ops.length ? { ok: count('ok'), fail: count('fail'), unknown: count('unknown') } : { ...j.ops },
    faults,
    expectation: { required: [...j.expected.required], allowed: [...j.expected.allowed], ...(j.expected.why !== null ? { why: j.expected.why } : {}) },
    verdict: {
      ok: j.unexpected.length === 0 && j.missing.length === 0 && j.checkerErrors.length === 0,
      found: [...j.found], expected: j.found.filter((n) => !j.unexpected.includes(n) && !j.excused.includes(n)),
      excused: [...j.excused], unexpected: [...j.unexpected], missing: [...j.missing], checkerErrors: [...j.checkerErrors],
    },
    checks: checksOf(j, byId),
    ...convergenceOf(j),
    nonVacuity: j.nonVacuity.map((c) => ({ claim: c.claim, observed: c.observed, ...(c.detail !== null ? { detail: c.detail } : {}) })),
    ...(j.error !== null ? { error: j.error } : {}),
  };
}

export function rebuildRun(dir: string): RunResult {
  const j = readReportJson(dir);
  const results = j.results.map((r) => rebuildResult(r, loadArtifacts(scenarioDir(dir, r.scenario, r.configuration)).entries));
  return {
    runId: j.run.id, startedAt: j.run.startedAt, finishedAt: j.run.finishedAt,
    ...(j.run.profile !== null ? { profile: j.run.profile } : {}), ...(j.run.machine ? { machine: j.run.machine } : {}),
    results,
  };
}
