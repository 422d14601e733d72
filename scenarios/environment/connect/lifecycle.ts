// Starting, stopping and restarting the Kafka Connect worker of the cdc publish modes, and
// registering its connector. The worker's files live in `<run dir>/system/connect` (gone with the
// system's state); what a restart needs (its REST port, whether it runs exactly-once) is saved
// there.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvCredentials } from '../../../system/shared/credentials.ts';
import { harnessKafka } from '../harnessKafka.ts';
import { CONNECT_TOPICS } from '../kafkaSecurity.ts';
import { ensureConnect } from '../local/install.ts';
import { isAlive, readPid, StartError, startProcess, stopProcess, waitFor } from '../local/processes.ts';
import { runDir } from '../paths.ts';
import { basePortFromEnv, portLayout } from '../ports.ts';
import type { EnvAddresses } from '../types.ts';
import { outboxConnectorConfig } from './connector.ts';
import { connectorStatus, failureOf, isRunning, putConnector, workerAnswers } from './rest.ts';
import { workerProcess, writeWorkerFiles } from './worker.ts';

export const connectDir = (): string => join(runDir(), 'system', 'connect');
const savedFile = () => join(connectDir(), 'connect.json');

interface Saved {
  rest: string;
  exactlyOnce: boolean;
}

function saved(): Saved | undefined {
  return existsSync(savedFile()) ? (JSON.parse(readFileSync(savedFile(), 'utf8')) as Saved) : undefined;
}

/** The worker's process (the jars' directory matters only to start it). */
const proc = (libs = '') => workerProcess({ dir: connectDir(), libs });

/** Whether this environment started a worker (a cdc run). */
export const connectStarted = (): boolean => saved() !== undefined;
export const connectRestUrl = (): string | undefined => saved()?.rest;
export const connectPid = (): number | undefined => readPid(proc());

/** Its config, offset and status topics, compacted, created by the harness before the worker starts. */
async function ensureInternalTopics(addr: EnvAddresses): Promise<void> {
  const rf = Math.min(addr.kafka.brokers, 3);
  const admin = harnessKafka(addr, 'faultline-connect-topics').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const compact = [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.insync.replicas', value: String(Math.min(2, rf)) },
    ];
    const wanted = [
      { topic: CONNECT_TOPICS.config, numPartitions: 1 },
      { topic: CONNECT_TOPICS.offset, numPartitions: 3 },
      { topic: CONNECT_TOPICS.status, numPartitions: 1 },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length > 0)
      await admin.createTopics({
        // kafkajs' own wait gives up on a broker that has not heard of the topic yet; the worker waits for them.
        waitForLeaders: false,
        topics: wanted.map((t) => ({ ...t, replicationFactor: rf, configEntries: compact })),
      });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function launch(libs: string, rest: string): Promise<void> {
  const p = proc(libs);
  const pid = readPid(p) ?? startProcess(p);
  try {
    // A JVM start with Connect's plugin scan is CPU-bound: slow on a busy 2-core machine.
    await waitFor('connect', () => workerAnswers(rest), { timeoutMs: 120_000, intervalMs: 300, alive: () => isAlive(pid) });
  } catch (err) {
    throw new StartError('connect', (err as Error).message, p.logFile);
  }
}

const logSize = (): number => (existsSync(proc().logFile) ? statSync(proc().logFile).size : 0);

/**
 * Until Debezium streams the binary log again: the line its binlog reader logs once connected,
 * written after `fromByte` of the worker's log. A task is RUNNING before its snapshot ends (the
 * first one holds a global read lock on `commands` for a moment), and no REST resource says when
 * it streams; the connector logs it at INFO (local/connect/log4j2.properties).
 */
async function waitStreaming(fromByte: number, timeoutMs = 120_000): Promise<void> {
  const file = proc().logFile;
  await waitFor(
    'outbox connector streaming the binlog',
    async () => existsSync(file) && readFileSync(file).subarray(fromByte).toString('utf8').includes('Connected to binlog at'),
    { timeoutMs, intervalMs: 300 },
  );
}

/** Until the connector and its task run; a FAILED one is an error with the worker's trace. */
export async function waitConnectorRunning(rest: string, timeoutMs = 90_000): Promise<void> {
  let failure: string | undefined;
  try {
    await waitFor(
      'outbox connector running',
      async () => {
        const s = await connectorStatus(rest);
        failure = failureOf(s);
        return isRunning(s);
      },
      { timeoutMs, intervalMs: 300 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}${failure ? `: ${failure}` : ''}`);
  }
}

export interface StartConnectOptions {
  exactlyOnce: boolean;
  credentials: EnvCredentials;
  onProgress?: (line: string) => void;
}

/** Starts the worker (its topics first), registers the outbox connector and waits until it runs. */
export async function startConnect(addr: EnvAddresses, o: StartConnectOptions): Promise<string> {
  const log = o.onProgress ?? (() => undefined);
  const connectKafka = addr.kafka.connect;
  if (!connectKafka?.length) throw new Error(`this environment (${addr.provider}) has no Kafka listener for the Connect worker`);
  const libs = ensureConnect(log);
  const port = portLayout(basePortFromEnv()).system.connect;
  const rest = `http://127.0.0.1:${port}`;
  await ensureInternalTopics(addr);
  writeWorkerFiles({
    dir: connectDir(),
    libs,
    restPort: port,
    bootstrap: connectKafka,
    replicationFactor: Math.min(addr.kafka.brokers, 3),
    credentials: o.credentials,
    exactlyOnce: o.exactlyOnce,
  });
  writeFileSync(savedFile(), JSON.stringify({ rest, exactlyOnce: o.exactlyOnce } satisfies Saved));
  const from = logSize();
  await launch(libs, rest);
  const config = outboxConnectorConfig({ dir: connectDir(), database: addr.links['connect-db'][0]!.listen, exactlyOnce: o.exactlyOnce });
  // The worker answers before it has joined its group: it refuses connector changes until then.
  await waitFor(
    'outbox connector registered',
    async () => {
      await putConnector(rest, config);
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  await waitConnectorRunning(rest);
  await waitStreaming(from);
  log(`connect: worker up at ${rest}, outbox connector streaming${o.exactlyOnce ? ' (exactly-once source)' : ''}`);
  return rest;
}

/** SIGTERM then SIGKILL; the files stay (a restart reads them). */
export async function stopConnect(): Promise<void> {
  await stopProcess(proc(), 15_000);
}

/** Starts the worker again on its files; it resumes the connector from the config topic, and is ready once it streams again. */
export async function restartConnect(o: { graceful?: boolean } = {}): Promise<void> {
  const s = saved();
  if (!s) throw new Error('connect was not started by this environment (only the cdc publish modes start it)');
  if (o.graceful !== false) await stopConnect();
  const from = logSize();
  await launch(
    ensureConnect(() => undefined),
    s.rest,
  );
  await waitConnectorRunning(s.rest);
  await waitStreaming(from);
}

/** A clean slate: the worker stopped, its files and its topics gone. */
export async function wipeConnect(addr: EnvAddresses): Promise<void> {
  await stopConnect();
  rmSync(connectDir(), { recursive: true, force: true });
  const admin = harnessKafka(addr, 'faultline-connect-wipe').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed: string[] = Object.values(CONNECT_TOPICS).filter((t) => existing.has(t));
    if (doomed.length) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    await waitFor('connect topics deleted', async () => (await admin.listTopics()).every((t) => !doomed.includes(t)), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
