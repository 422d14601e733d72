// The environment a mutant's runs use, driven through the CLIs of a tree (the repository, or a
// scratch copy), with FAULTLINE_RUN_DIR naming where its state lives.
import { runChild, type ChildResult } from './child.ts';

const ENV_TIMEOUT_MS = 10 * 60_000; // a first `up` on a cold cache downloads Kafka and builds Toxiproxy
const DOWN_TIMEOUT_MS = 3 * 60_000;

export interface EnvTarget {
  cwd: string; // whose CLIs (and so whose system/ files) are used
  runDir: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

const withRunDir = (t: EnvTarget) => ({ ...t.env, FAULTLINE_RUN_DIR: t.runDir });
const envCli = (t: EnvTarget, args: string[], timeoutMs: number) =>
  runChild({ cwd: t.cwd, args: ['scenarios/cli/env.ts', ...args], env: withRunDir(t), logFile: t.logFile, timeoutMs });

/** Kafka, both MariaDB servers and Toxiproxy, without the system; one clean retry on failure. */
export async function infraUp(t: EnvTarget, log: (l: string) => void, aborted: () => boolean): Promise<ChildResult> {
  const up = await envCli(t, ['up', '--infra-only'], ENV_TIMEOUT_MS);
  if (up.exitCode === 0 || up.timedOut || aborted()) return up;
  // The environment is not what is under test: retry once before calling the mutant an error.
  log(`  environment did not come up (exit ${up.exitCode}); down and one more try`);
  await envCli(t, ['down'], DOWN_TIMEOUT_MS);
  return envCli(t, ['up', '--infra-only'], ENV_TIMEOUT_MS);
}

export const infraDown = (t: EnvTarget) => envCli(t, ['down'], DOWN_TIMEOUT_MS);

/**
 * Stops the four system processes this tree started in the environment (matched by their entry
 * file in this tree, as the tree's own stopSystem does), leaving the infrastructure up for the
 * next mutant.
 */
export const stopSystemOf = (t: EnvTarget) =>
  runChild({
    cwd: t.cwd,
    env: withRunDir(t),
    logFile: t.logFile,
    timeoutMs: DOWN_TIMEOUT_MS,
    args: ['--input-type=module', '--eval', "await (await import('./scenarios/environment/system.ts')).stopSystem();"],
  });

/** The shared environment up for a whole self-test: false (said why) when it did not come up. */
export async function sharedInfraUp(t: EnvTarget, aborted: () => boolean): Promise<boolean> {
  const up = await infraUp(t, (l) => console.log(l), aborted);
  if (up.exitCode === 0) return true;
  console.log(`the environment did not come up (exit ${up.exitCode}); see ${t.logFile}`);
  return false;
}
