// The container tier as a step of `--profile full`: the testcontainers provider's own specs, the
// provider-independent integration tests and scenarios on containers (`npm run test:containers`),
// on a span of ports beside the suite's, with its own timing in the output.
import { spawn } from 'node:child_process';
import { SIBLING_SPANS, siblingBasePort } from '../environment/ports.ts';

export interface TierOutcome {
  ok: boolean;
  ms: number;
  basePort: number;
}

/** Whether a run of this selection includes the tier: the whole full profile only, unless skipped. */
export function includesContainerTier(o: {
  profile: string;
  only?: readonly string[] | undefined;
  publish?: unknown;
  consume?: unknown;
  skip?: boolean;
}): boolean {
  return o.profile === 'full' && !o.skip && o.only === undefined && o.publish === undefined && o.consume === undefined;
}

export async function runContainerTier(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<TierOutcome> {
  const basePort = siblingBasePort(SIBLING_SPANS.containersTier, env);
  log(`\ncontainer tier: npm run test:containers on base port ${basePort} (podman engine, images built on first use)`);
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npx', ['--no-install', 'vitest', 'run', '--project', 'containers'], {
      stdio: 'inherit',
      env: { ...env, FAULTLINE_BASE_PORT: String(basePort) },
    });
    child.on('error', (err) => {
      log(`container tier: could not start vitest: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  const ms = Date.now() - started;
  log(`container tier: ${code === 0 ? 'passed' : 'FAILED'} in ${(ms / 60_000).toFixed(1)} min`);
  return { ok: code === 0, ms, basePort };
}
