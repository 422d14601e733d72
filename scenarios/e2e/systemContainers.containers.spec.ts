// Scenarios against the system as containers (`--system containers`): each of the four processes
// in its own container of the system image, its faults through the engine. kill-projector must
// really replace the projector's container process and still converge with no anomaly;
// duplicate-delivery must show the inbox absorbing every injected copy.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { systemContainerName } from '../environment/containers/systemContainers.ts';
import { podman } from '../environment/containers/engine.ts';
import { requireState } from '../environment/state.ts';
import { stopSystem, systemRuntime } from '../environment/system.ts';
import { liveDeps } from '../runner/deps.ts';
import { runScenario } from '../runner/runScenario.ts';
import { poisonRecordsFromFixtures } from '../runner/suite.ts';

// What `--system containers` sets; this file runs in a worker of its own.
process.env.FAULTLINE_SYSTEM = 'containers';
const env = requireState();
const anomalies = (r: Awaited<ReturnType<typeof runScenario>>) => [...new Set(r.checks.flatMap((c) => c.anomalies.map((a) => a.name)))];
const run = (name: string) =>
  runScenario(
    SCENARIOS.find((s) => s.name === name)!,
    { publish: 'outbox', consume: 'effectively-once' },
    { env, seed: 20261128, outDir: mkdtempSync(join(tmpdir(), `faultline-system-containers-${name}-`)) },
    liveDeps(poisonRecordsFromFixtures()),
  );

afterAll(() => stopSystem(), 120_000);

describe('scenarios on the system as containers', () => {
  it('kill-projector: the engine kills and restarts the projector container; nothing lost', { timeout: 400_000 }, async () => {
    const r = await run('kill-projector');
    expect(systemRuntime()).toBe('containers');
    expect(podman(['container', 'inspect', '--format', '{{.State.Status}}', systemContainerName('projector')]).trim()).toBe('running');
    expect(r.error).toBeUndefined();
    expect(r.ops.ok).toBeGreaterThan(0);
    // The samples record the projector's host pid: a kill and restart shows more than one.
    const pids = new Set(r.samples.map((s) => s.pids.projector).filter((p) => p !== undefined));
    expect(pids.size).toBeGreaterThan(1);
    expect(anomalies(r)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('duplicate-delivery: every injected copy is absorbed by the inbox', { timeout: 400_000 }, async () => {
    const r = await run('duplicate-delivery');
    expect(r.error).toBeUndefined();
    expect(anomalies(r)).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
