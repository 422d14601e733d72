// report.json: every field named explicitly, in a fixed order, so consumers can rely on it.
// Bump REPORT_SCHEMA_VERSION when a field changes meaning or goes away.
import { configurationLabel } from '../checkers/expectations.ts';
import { anomaliesOf, cautions, failureReasons, type RunResult, type ScenarioRunResult } from './types.ts';

export const REPORT_SCHEMA_VERSION = 1;

function resultJson(r: ScenarioRunResult) {
  const reasons = failureReasons(r);
  return {
    scenario: r.scenario,
    purpose: r.purpose ?? null,
    configuration: { publish: r.configuration.publish, consume: r.configuration.consume },
    topology: r.topology ?? null,
    label: `${r.scenario} @ ${configurationLabel(r.configuration)}`,
    passed: reasons.length === 0,
    failureReasons: reasons,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    seed: r.seed ?? null,
    path: r.path ?? null,
    replay: r.replay ?? null,
    ops: { ok: r.ops.ok, fail: r.ops.fail, unknown: r.ops.unknown },
    expected: { required: [...r.expectation.required], allowed: [...r.expectation.allowed], why: r.expectation.why ?? null },
    found: [...r.verdict.found],
    unexpected: [...r.verdict.unexpected],
    missing: [...r.verdict.missing],
    excused: [...r.verdict.excused],
    checkerErrors: [...r.verdict.checkerErrors],
    checks: r.checks.map((c) => ({ name: c.name, valid: c.valid, anomalyCount: c.anomalies.length, error: c.error ?? null })),
    anomalies: anomaliesOf(r).map((a) => ({
      name: a.name,
      message: a.message,
      streamId: a.streamId ?? null,
      eventId: a.eventId ?? null,
      versions: a.versions ?? [],
      op: a.op
        ? {
            id: a.op.id,
            kind: a.op.kind,
            userId: a.op.userId,
            outcome: a.op.outcome,
            version: a.op.version ?? null,
            eventId: a.op.eventId ?? null,
          }
        : null,
      data: a.data ?? {},
    })),
    convergenceMs: r.convergenceMs ?? null,
    visibility: r.visibility ?? null,
    workload: r.workload ?? null,
    load: r.load ?? null,
    memory: r.memory ?? null,
    nonVacuity: (r.nonVacuity ?? []).map((c) => ({ claim: c.claim, observed: c.observed, detail: c.detail ?? null })),
    faults: (r.faults ?? []).map((f) => ({
      faultId: f.faultId,
      fault: f.fault,
      target: f.target,
      params: f.params ?? {},
      startMs: f.start.ms,
      stopMs: f.stop?.ms ?? null,
      error: f.error ?? null,
    })),
    scheduleDrift: r.scheduleDrift ?? null,
    cautions: cautions(r),
    error: r.error ?? null,
  };
}

export type ReportJson = ReturnType<typeof toReportJson>;

export function toReportJson(run: RunResult) {
  const results = run.results.map(resultJson);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: {
      id: run.runId,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      profile: run.profile ?? null,
      machine: run.machine ?? null,
    },
    summary: { total: results.length, passed: results.filter((r) => r.passed).length, failed: results.filter((r) => !r.passed).length },
    results,
  };
}

export function renderReportJson(run: RunResult): string {
  return JSON.stringify(toReportJson(run), null, 2) + '\n';
}
