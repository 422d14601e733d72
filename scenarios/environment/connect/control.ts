// Process faults on the Kafka Connect worker (target `connect`, also `connect#1`): SIGKILL,
// SIGSTOP/SIGCONT of its process group, and a restart on its files (graceful or after a kill),
// which waits until the outbox connector runs again.
import { readPid, signalProcess, waitFor } from '../local/processes.ts';
import { CONNECT_TARGET } from '../targets.ts';
import type { ProcessControl } from '../types.ts';
import { connectDir, connectStarted, restartConnect } from './lifecycle.ts';
import { workerProcess } from './worker.ts';

const proc = () => workerProcess({ dir: connectDir(), libs: '' });

function requireStarted(target: string): void {
  if (!connectStarted()) throw new Error(`${target}: no Kafka Connect worker in this environment (only the cdc publish modes start one)`);
}

export const connectControl: ProcessControl = {
  async kill(target) {
    requireStarted(target);
    const p = proc();
    const pid = signalProcess(p, 'SIGKILL');
    await waitFor(`${target} gone after SIGKILL`, async () => readPid(p) !== pid, { timeoutMs: 15_000, intervalMs: 50 });
  },
  async pause(target) {
    requireStarted(target);
    signalProcess(proc(), 'SIGSTOP');
  },
  async resume(target) {
    requireStarted(target);
    signalProcess(proc(), 'SIGCONT');
  },
  async restart(target, opts) {
    requireStarted(target);
    await restartConnect(opts);
  },
  async identity() {
    return readPid(proc())?.toString();
  },
  async targets() {
    return connectStarted() ? [CONNECT_TARGET] : [];
  },
};
