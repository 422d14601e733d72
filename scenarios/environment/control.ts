// Process faults on the running environment (the Jepsen "db" role: kill, pause, restart), for
// the broker(s), either MariaDB server and the system's four processes. Local provider only:
// a fault on a component this provider did not start is an error, not a silent no-op.
import { join } from 'node:path';
import { brokerProcess, registeredBrokers, startKafka } from './local/kafka.ts';
import { ensureKafka, ensureMariadb } from './local/install.ts';
import { localLayout, runningBrokerCount } from './local/localProvider.ts';
import { mariadbProcess, startMariadb } from './local/mariadb.ts';
import { type ManagedProcess, readPid, signalProcess, stopProcess, waitFor } from './local/processes.ts';
import {
  restartSystemProcess, signalSystemProcess, SYSTEM_PROCESSES, type SystemProcess, systemProcessPid,
} from './system.ts';
import { readState } from './state.ts';

export const INFRA_TARGETS = ['kafka', 'commands-db', 'queries-db'] as const;
export type InfraTarget = (typeof INFRA_TARGETS)[number];
export type ProcessTarget = InfraTarget | SystemProcess;
export const PROCESS_TARGETS: readonly ProcessTarget[] = [...INFRA_TARGETS, ...SYSTEM_PROCESSES];

const isSystem = (t: ProcessTarget): t is SystemProcess => (SYSTEM_PROCESSES as readonly string[]).includes(t);

function requireLocal(): void {
  const provider = readState()?.provider ?? 'local';
  if (provider !== 'local') throw new Error(`process faults on infrastructure need the local provider (this environment is ${provider})`);
}

function layout() {
  return localLayout(runningBrokerCount() ?? 1);
}

/** The managed processes behind an infrastructure target ('kafka' = broker 1, 'kafka-2', …). */
function infraProcess(target: string): ManagedProcess {
  const l = layout();
  const bins = { mariadbd: 'mariadbd', installDb: 'mariadb-install-db' };
  if (target === 'kafka' || target.startsWith('kafka-')) {
    const b = target === 'kafka' ? 0 : Number(target.slice('kafka-'.length)) - 1;
    if (!(b >= 0 && b < l.brokers)) throw new Error(`no broker ${target}: this environment has ${l.brokers}`);
    return brokerProcess({ brokers: l.brokers, ports: l.ports, dir: join(l.dir, 'kafka'), libs: '' }, b);
  }
  if (target === 'commands-db' || target === 'queries-db') {
    const database = target === 'commands-db' ? 'commands' : 'queries';
    return mariadbProcess({ database, port: l.ports.mariadb[database], dir: join(l.dir, `mariadb-${database}`), binaries: bins });
  }
  throw new Error(`unknown process target ${target}; use one of: ${PROCESS_TARGETS.join(', ')}, kafka-N`);
}

export function signalTarget(target: ProcessTarget | `kafka-${number}`, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): number {
  if (isSystem(target as ProcessTarget)) return signalSystemProcess(target as SystemProcess, signal);
  requireLocal();
  return signalProcess(infraProcess(target), signal);
}

export function targetPid(target: ProcessTarget | `kafka-${number}`): number | undefined {
  if (isSystem(target as ProcessTarget)) return systemProcessPid(target as SystemProcess);
  return readPid(infraProcess(target));
}

/** Starts the target again (after a kill) or stops and starts it (graceful restart); waits for readiness. */
export async function restartTarget(target: ProcessTarget | `kafka-${number}`, opts: { graceful?: boolean } = {}): Promise<void> {
  if (isSystem(target as ProcessTarget)) return restartSystemProcess(target as SystemProcess, opts);
  requireLocal();
  const proc = infraProcess(target);
  if (opts.graceful !== false) await stopProcess(proc, 20_000);
  const l = layout();
  if (target.startsWith('kafka')) {
    const libs = ensureKafka(() => undefined);
    await startKafka({ brokers: l.brokers, ports: l.ports, dir: join(l.dir, 'kafka'), libs });
    const nodeId = target === 'kafka' ? 1 : Number(target.slice('kafka-'.length));
    const internal = Array.from({ length: l.brokers }, (_, b) => `127.0.0.1:${l.ports.kafka.internal(b)}`);
    await waitFor(`${target} rejoining`, async () => (await registeredBrokers(internal)).has(nodeId), { timeoutMs: 60_000, intervalMs: 300 });
  } else {
    const database = target === 'commands-db' ? 'commands' : 'queries';
    await startMariadb({ database, port: l.ports.mariadb[database], dir: join(l.dir, `mariadb-${database}`), binaries: ensureMariadb(() => undefined) });
  }
}
