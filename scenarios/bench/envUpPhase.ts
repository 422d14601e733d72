// Environment up time with a warm cache: `npm run env -- up --infra-only` for a second environment
// on its own base port and run directory (so the one under test is untouched), then `down`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { basePortFromEnv } from '../environment/ports.ts';
import { harnessSettings } from '../environment/settings.ts';
import { figure } from './goals.ts';
import type { PhaseResult } from './phase.ts';
import type { Log } from './systemControl.ts';

/** The bench's own base port: FAULTLINE_BENCH_ENV_BASE_PORT, else 100 above (or below) the current one. */
export function envUpBasePort(env: NodeJS.ProcessEnv = process.env): number {
  const own = harnessSettings(env).benchEnvBasePort;
  if (own !== undefined) return own;
  const base = basePortFromEnv(env);
  for (const candidate of [base + 100, base - 100]) {
    try {
      return basePortFromEnv({ FAULTLINE_BASE_PORT: String(candidate) });
    } catch {
      /* outside the allowed range: try the other side */
    }
  }
  throw new Error('no free base port next to FAULTLINE_BASE_PORT: set FAULTLINE_BENCH_ENV_BASE_PORT');
}

export async function envUpPhase(log: Log): Promise<PhaseResult> {
  const base = envUpBasePort();
  const runDir = mkdtempSync(join(tmpdir(), 'faultline-bench-env-'));
  const env = { ...process.env, FAULTLINE_BASE_PORT: String(base), FAULTLINE_RUN_DIR: runDir };
  const npm = (args: string[]) =>
    spawnSync('npm', ['run', '--silent', 'env', '--', ...args], { cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 300_000 });
  try {
    const t0 = performance.now();
    const up = npm(['up', '--infra-only', '--quiet']);
    const ms = performance.now() - t0;
    if (up.status !== 0)
      throw new Error(
        `env up on base port ${base} failed (exit ${up.status ?? up.signal}): ${(up.stderr || up.stdout).trim().slice(-600)}`,
      );
    log(`  env up --infra-only: ${(ms / 1000).toFixed(1)} s (base port ${base})`);
    return {
      figures: [figure({ name: 'environment up (warm cache)', value: ms / 1000, unit: 's' })],
      breakdown: { basePort: base, upMs: ms },
      notes: [],
    };
  } finally {
    const t1 = performance.now();
    const down = npm(['down', '--quiet']);
    log(
      `  env down: ${((performance.now() - t1) / 1000).toFixed(1)} s${down.status === 0 ? '' : ` (FAILED: ${down.stderr.trim().slice(-300)})`}`,
    );
    if (down.status === 0) rmSync(runDir, { recursive: true, force: true });
  }
}
