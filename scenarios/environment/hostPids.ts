// The host pids of every server and system process of a running environment, by name, for
// measuring their memory. Only where this host started them: in containers or elsewhere a pid
// is not known (or is a container's init, not the server), and a figure from it would be wrong.
import { localLayout } from './local/layout.ts';
import { infraProcesses } from './local/localProvider.ts';
import { readPid } from './local/processes.ts';
import { systemProcessPid, systemRuntime } from './system.ts';
import type { EnvAddresses } from './types.ts';

export type HostPids = { pids: Record<string, number> } | { unknown: string };

/**
 * Pids of the servers ('kafka-1', 'mariadb-commands', 'mariadb-queries', 'toxiproxy') and of the
 * given system targets ('relay', 'projector#2', …) that run now; a stopped one is simply absent.
 */
export function hostPids(env: EnvAddresses, systemTargets: readonly string[]): HostPids {
  if (env.provider !== 'local') return { unknown: `the ${env.provider} provider's servers are not processes of this host` };
  if (systemRuntime() !== 'host') return { unknown: "the system's processes run in containers" };
  const pids: Record<string, number> = {};
  for (const p of infraProcesses(localLayout(env.kafka.brokers))) {
    const pid = readPid(p);
    if (pid !== undefined) pids[p.name] = pid;
  }
  for (const t of systemTargets) {
    const pid = systemProcessPid(t);
    if (pid !== undefined) pids[t] = pid;
  }
  return { pids };
}
