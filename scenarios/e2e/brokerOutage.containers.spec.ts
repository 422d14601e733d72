// A scenario end to end on containers: the broker-outage scenario against the tier's
// environment (Kafka, both MariaDBs and Toxiproxy in containers; the system's processes on the
// host). The outbox must come through untouched, and the seed's dual-write design must still be
// caught losing events: the harness stays as sensitive on this provider as on the local one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { runScenario } from '../runner/runScenario.ts';
import { poisonRecordsFromFixtures } from '../runner/suite.ts';
import { liveDeps } from '../runner/deps.ts';
import { requireState } from '../environment/state.ts';

const env = requireState();
const scenario = SCENARIOS.find((s) => s.name === 'broker-outage')!;
const anomalies = (r: Awaited<ReturnType<typeof runScenario>>) => [...new Set(r.checks.flatMap((c) => c.anomalies.map((a) => a.name)))];
const run = (publish: 'outbox' | 'dual-write') =>
  runScenario(
    scenario,
    { publish, consume: 'effectively-once' },
    {
      env,
      seed: 20261128,
      outDir: mkdtempSync(join(tmpdir(), `faultline-containers-${publish}-`)),
    },
    liveDeps(poisonRecordsFromFixtures()),
  );

describe('broker-outage on the testcontainers provider', () => {
  it('runs on containers', () => {
    expect(env.provider).toBe('testcontainers');
  });

  it('outbox + effectively-once: no anomaly, every ok command converges', { timeout: 300_000 }, async () => {
    const r = await run('outbox');
    expect(r.error).toBeUndefined();
    expect(r.ops.ok).toBeGreaterThan(0);
    expect(anomalies(r)).toEqual([]);
    expect(r.convergenceMs).not.toBeNull();
    expect(r.ok).toBe(true);
  });

  it('dual-write: the outage loses events, and the harness says so', { timeout: 300_000 }, async () => {
    const r = await run('dual-write');
    expect(r.error).toBeUndefined();
    expect(anomalies(r)).toContain('lost');
  });
});
