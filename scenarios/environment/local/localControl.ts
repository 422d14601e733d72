// Process faults on the local provider's own servers: the broker(s) and both MariaDB servers,
// started here as real processes with pid files. System processes go to systemControl.
import { credentialsFileOf, readCredentials } from '../../../system/shared/credentials.ts';
import { saslOf } from '../kafkaSecurity.ts';
import { join } from 'node:path';
import { composeControl } from '../systemControl.ts';
import { parseTarget } from '../targets.ts';
import type { ProcessControl } from '../types.ts';
import { brokerProcess, registeredBrokers, startKafka } from './kafka.ts';
import { ensureKafka, ensureMariadb } from './install.ts';
import { mariadbProcess, startedWithBinlog, startMariadb } from './mariadb.ts';
import { type ManagedProcess, readPid, signalProcess, stopProcess, waitFor } from './processes.ts';
import type { LocalLayout } from './layout.ts';

const BINS = { mariadbd: 'mariadbd', installDb: 'mariadb-install-db' };

/** The managed process behind an infrastructure target ('kafka' = broker 1, 'kafka-2', a database). */
export function infraProcess(l: LocalLayout, target: string): ManagedProcess {
  const t = parseTarget(target);
  if (t.kind === 'broker') {
    if (t.node > l.brokers) throw new Error(`no broker ${target}: this environment has ${l.brokers}`);
    return brokerProcess({ brokers: l.brokers, ports: l.ports, dir: join(l.dir, 'kafka'), libs: '' }, t.node - 1);
  }
  if (t.kind === 'database')
    return mariadbProcess({
      database: t.database,
      port: l.ports.mariadb[t.database],
      dir: join(l.dir, `mariadb-${t.database}`),
      binaries: BINS,
    });
  throw new Error(`${target} is a system process, not a server of the local provider`);
}

async function restartInfra(l: LocalLayout, target: string, graceful: boolean): Promise<void> {
  const t = parseTarget(target);
  const proc = infraProcess(l, target);
  if (graceful) await stopProcess(proc, 20_000);
  if (t.kind === 'broker') {
    await startKafka({ brokers: l.brokers, ports: l.ports, dir: join(l.dir, 'kafka'), libs: ensureKafka(() => undefined) });
    const internal = Array.from({ length: l.brokers }, (_, b) => `127.0.0.1:${l.ports.kafka.internal(b)}`);
    // A JVM start plus log recovery takes minutes, not seconds, when six jobs share 2 cores. Asked
    // of the restarted broker itself: the others keep listing a killed broker until its session
    // times out, so their answer would call it back while it is still starting.
    const own = [internal[t.node - 1]!];
    const credentials = readCredentials(credentialsFileOf(l.dir));
    const sasl = credentials ? saslOf(credentials, 'harness') : undefined;
    await waitFor(`${target} rejoining`, async () => (await registeredBrokers(own, 1, sasl)).has(t.node), {
      timeoutMs: 120_000,
      intervalMs: 300,
    });
  } else if (t.kind === 'database') {
    const dir = join(l.dir, `mariadb-${t.database}`);
    await startMariadb({
      database: t.database,
      port: l.ports.mariadb[t.database],
      dir,
      binaries: ensureMariadb(() => undefined),
      // As it was started: a cdc run's crashed server comes back with its binary log.
      binlog: startedWithBinlog(dir),
    });
  }
}

/** Infrastructure control for a layout read at each call (the broker count can change between `up`s). */
export function localInfraControl(layout: () => LocalLayout): ProcessControl {
  const proc = (t: string) => infraProcess(layout(), t);
  return {
    async kill(target) {
      const p = proc(target);
      const pid = signalProcess(p, 'SIGKILL');
      await waitFor(`${target} gone after SIGKILL`, async () => readPid(p) !== pid, { timeoutMs: 15_000, intervalMs: 50 });
    },
    async pause(target) {
      signalProcess(proc(target), 'SIGSTOP');
    },
    async resume(target) {
      signalProcess(proc(target), 'SIGCONT');
    },
    restart: (target, opts) => restartInfra(layout(), target, opts?.graceful !== false),
    async identity(target) {
      return readPid(proc(target))?.toString();
    },
    async targets() {
      const l = layout();
      return [...Array.from({ length: l.brokers }, (_, b) => (b === 0 ? 'kafka' : `kafka-${b + 1}`)), 'commands-db', 'queries-db'];
    },
  };
}

export const localControl = (layout: () => LocalLayout): ProcessControl => composeControl(localInfraControl(layout));
