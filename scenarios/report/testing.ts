// Test support: a small run with a pass, a required anomaly, an unexpected one and a harness error.
import { compareWithExpectation, expectationFor } from '../checkers/expectations.ts';
import { type Configuration } from '../../system/shared/modes.ts';
import type { Anomaly } from '../checkers/types.ts';
import type { RunResult, ScenarioRunResult } from './types.ts';

export function scenarioResult(
  scenario: string,
  configuration: Configuration,
  anomalies: Anomaly[],
  extra: Partial<ScenarioRunResult> = {},
): ScenarioRunResult {
  // Every test scenario behaves like a broker outage: dual-write must lose.
  const expectation = expectationFor(configuration, {
    crashes: true,
    injectsDuplicates: false,
    declared: [{ when: { publish: 'dual-write' }, required: ['lost'], why: 'the seed bug' }],
  });
  return {
    scenario,
    configuration,
    startedAt: '2026-11-28T12:00:00.000Z',
    durationMs: 12_345,
    ops: { ok: 10, fail: 1, unknown: 2 },
    expectation,
    verdict: compareWithExpectation(anomalies, expectation),
    checks: [{ name: 'all', valid: anomalies.length === 0, anomalies }],
    ...extra,
  };
}

const lost = (msg: string): Anomaly => ({
  name: 'lost',
  message: msg,
  streamId: 'u-1',
  eventId: 'e1',
  versions: [2],
  op: {
    id: 3,
    process: 0,
    kind: 'rename',
    userId: 'u-1',
    idempotencyKey: 'k',
    invoke: { ms: 0, wall: '' },
    complete: null,
    outcome: 'ok',
    version: 2,
    eventId: 'e1',
  },
});

export const RUN: RunResult = {
  runId: 'run-1',
  startedAt: '2026-11-28T12:00:00.000Z',
  finishedAt: '2026-11-28T12:10:00.000Z',
  profile: 'ci',
  results: [
    scenarioResult('broker-outage', { publish: 'outbox', consume: 'effectively-once' }, [], {
      seed: 7,
      replay: 'npm run scenario -- broker-outage --seed 7',
    }),
    scenarioResult('broker-outage', { publish: 'dual-write', consume: 'effectively-once' }, [lost('op 3 never applied')]),
    scenarioResult('kill|projector', { publish: 'outbox', consume: 'at-least-once' }, [lost('a <b> & "c" \u0007 lost')], {
      nonVacuity: [{ claim: 'projector restarted', observed: true }],
    }),
    scenarioResult('kill|projector', { publish: 'outbox', consume: 'effectively-once' }, [], { error: 'toxiproxy <unreachable>' }),
  ],
};
