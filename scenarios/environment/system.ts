// Starts the system under test — command service, relay(s), projector(s), query API — as OS
// processes wired through the environment's proxies, so a fault can cut, kill or pause each.
// Each runs in its own process group with a pid file; its spec is saved so a fault can restart it.
// Every process gets a crash-point arm file and crash log in the run dir (see crashFiles).
// With runtime 'containers' (`--system containers`) each runs in a container of the system image
// instead (containers/systemContainers.ts); everything below that names a process works on both.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as containers from './containers/systemContainers.ts';
import { type DbRole, type EnvCredentials, environmentCredentials, type KafkaPrincipal } from '../../system/shared/credentials.ts';
import { harnessKafka } from './harnessKafka.ts';
import { kafkaSaslEnv } from './kafkaSecurity.ts';
import {
  isAlive,
  killProcess,
  type ManagedProcess,
  readPid,
  signalProcess,
  StartError,
  startProcess,
  stopProcess,
  waitFor,
} from './local/processes.ts';
import { PROJECT_ROOT, runDir } from './paths.ts';
import { basePortFromEnv, portLayout } from './ports.ts';
import { harnessSettings } from './settings.ts';
import { fileSafe, instanceName, MAX_INSTANCES, parseTarget, SYSTEM_PROCESSES, type SystemProcess } from './targets.ts';
import type { ComponentStatus, EnvAddresses, SystemUrls } from './types.ts';

import { commandPublishMode, isCdc, type ConsumeMode, type PublishMode } from '../../system/shared/modes.ts';
import { connectPid, connectRestUrl, startConnect, stopConnect, wipeConnect } from './connect/lifecycle.ts';
import { connectorStatus, failureOf, isRunning } from './connect/rest.ts';
import { requireBinlog } from './binlog.ts';

export { SYSTEM_PROCESSES, type SystemProcess } from './targets.ts';
export type { ConsumeMode, PublishMode } from '../../system/shared/modes.ts';

export interface SystemOptions {
  publishMode?: PublishMode;
  consumeMode?: ConsumeMode;
  /** Extra environment for every process (e.g. faster retry settings in tests). */
  env?: Record<string, string>;
  /** Write every span to this JSONL file (tracing tests). */
  tracesFile?: string;
  /** Instances of the scalable processes (default 1 each): relay#2, projector#2, … */
  instances?: { relay?: number; projector?: number };
  /** Instances whose spec is saved but which are not started: a restart fault starts them later. */
  standby?: readonly string[];
  /** Partitions of `user-events` (and its dead-letter topic) when they are created; default 3. */
  partitions?: number;
  onProgress?: (line: string) => void;
  /** Host processes, or containers of the system image (default: FAULTLINE_SYSTEM, else host). */
  runtime?: containers.SystemRuntime;
  /** The environment's passwords (default: `<run dir>/credentials.json`, created when missing). */
  credentials?: EnvCredentials;
}

interface ProcessSpec {
  env: Record<string, string>;
  url: string;
}

const ENTRY: Record<SystemProcess, string> = {
  'command-service': 'system/commandService/main.ts',
  relay: 'system/relay/main.ts',
  projector: 'system/projector/main.ts',
  'query-api': 'system/queryApi/main.ts',
};

const systemDir = () => join(runDir(), 'system');
const specFile = () => join(systemDir(), 'spec.json');

/** Keyed by target name ('relay', 'relay#2', …). */
interface SavedSpec {
  processes: Record<string, ProcessSpec>;
  runtime?: containers.SystemRuntime;
}

/** Where a process reads its crash-point arming (on SIGUSR2) and logs a point that fired. */
export function crashFiles(target: string): { armFile: string; logFile: string } {
  const base = join(systemDir(), fileSafe(target));
  return { armFile: `${base}.crash-arm`, logFile: `${base}.crash.log` };
}

function managed(target: string, env: Record<string, string> = {}): ManagedProcess {
  const { process: name } = systemTarget(target);
  const entry = join(PROJECT_ROOT, ENTRY[name]);
  return {
    name: target,
    pidFile: join(systemDir(), `${fileSafe(target)}.pid.json`),
    logFile: join(systemDir(), `${fileSafe(target)}.log`),
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    marker: entry,
  };
}

function systemTarget(target: string): { process: SystemProcess; instance: number } {
  const t = parseTarget(target);
  if (t.kind !== 'system') throw new Error(`${target} is not a system process (${SYSTEM_PROCESSES.join(', ')}, relay#N, projector#N)`);
  return t;
}

const portOf = (hostPort: string) => Number(hostPort.split(':').pop());

/**
 * The environment variables of each instance-1 process: every link goes through its proxy, each
 * process authenticates as its own database role and Kafka principal (passwords from the
 * environment's credentials; Kafka's only where the brokers authenticate, i.e. the harness has a
 * principal too).
 */
export function systemSpecs(addr: EnvAddresses, opts: SystemOptions): Record<SystemProcess, ProcessSpec> {
  const ports = portLayout(basePortFromEnv());
  const creds = opts.credentials ?? environmentCredentials(runDir());
  const dbUrl = (role: DbRole, proxy: string, db: string) => `mysql://${role}:${encodeURIComponent(creds.mariadb[role])}@${proxy}/${db}`;
  const kafkaAuth = (principal: KafkaPrincipal) => (addr.kafka.sasl ? kafkaSaslEnv(creds, principal) : {});
  const commandPort = portOf(addr.links['client-command'][0]!.upstream);
  const common = {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    HTTP_HOST: '127.0.0.1',
    ...(opts.tracesFile ? { OTEL_TRACES_FILE: opts.tracesFile } : {}),
    ...opts.env,
  };
  const at = (port: number) => `http://127.0.0.1:${port}`;
  return {
    'command-service': {
      url: at(commandPort),
      env: {
        ...common,
        SERVICE_NAME: 'command-service',
        HTTP_PORT: String(commandPort),
        COMMANDS_DB_URL: dbUrl('command_service', addr.links['command-db'][0]!.listen, 'commands'),
        PUBLISH_MODE: commandPublishMode(opts.publishMode ?? 'outbox'),
        KAFKA_BROKERS: addr.kafka.relay.join(','), // dual-write publishes over the publisher's link
        ...kafkaAuth('command-service'),
      },
    },
    relay: {
      url: at(ports.system.relay),
      env: {
        ...common,
        SERVICE_NAME: 'relay',
        HTTP_PORT: String(ports.system.relay),
        COMMANDS_DB_URL: dbUrl('relay', addr.links['relay-db'][0]!.listen, 'commands'),
        KAFKA_BROKERS: addr.kafka.relay.join(','),
        ...kafkaAuth('relay'),
      },
    },
    projector: {
      url: at(ports.system.projector),
      env: {
        ...common,
        SERVICE_NAME: 'projector',
        HTTP_PORT: String(ports.system.projector),
        QUERIES_DB_URL: dbUrl('projector', addr.links['projector-db'][0]!.listen, 'queries'),
        KAFKA_BROKERS: addr.kafka.projector.join(','),
        ...kafkaAuth('projector'),
        CONSUME_MODE: opts.consumeMode ?? 'effectively-once',
        // A restarted projector rejoins its group only once the dead member's session expires.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        ...opts.env,
      },
    },
    'query-api': {
      url: at(ports.system.queryApi),
      env: {
        ...common,
        SERVICE_NAME: 'query-api',
        HTTP_PORT: String(ports.system.queryApi),
        QUERIES_DB_URL: dbUrl('query_api', addr.links['query-db'][0]!.listen, 'queries'),
        // Read-only (metadata, live high watermarks) over the projector's link: cut it, and the
        // query API says the lag is unknown rather than 0.
        KAFKA_BROKERS: addr.kafka.projector.join(','),
        ...kafkaAuth('query-api'),
      },
    },
  };
}

/**
 * Every process to start, by target name: instance 1 of each keeps today's port and name; further
 * relay/projector instances get their own HTTP port and share the same links (and, for the
 * projector, the consumer group). Each gets its crash-point files.
 */
export function instanceSpecs(addr: EnvAddresses, opts: SystemOptions): Record<string, ProcessSpec> {
  const ports = portLayout(basePortFromEnv());
  const base = systemSpecs(addr, opts);
  const out: Record<string, ProcessSpec> = {};
  const withCrash = (target: string, s: ProcessSpec): ProcessSpec => {
    const c = crashFiles(target);
    return { url: s.url, env: { ...s.env, FAULTLINE_CRASH_ARM_FILE: c.armFile, FAULTLINE_CRASH_LOG: c.logFile } };
  };
  for (const p of SYSTEM_PROCESSES) {
    // Only the outbox mode runs the relay: dual-write publishes from the command service, cdc from Kafka Connect.
    if (p === 'relay' && (opts.publishMode ?? 'outbox') !== 'outbox') continue;
    out[p] = withCrash(p, base[p]);
    const n = p === 'relay' ? (opts.instances?.relay ?? 1) : p === 'projector' ? (opts.instances?.projector ?? 1) : 1;
    if (!Number.isInteger(n) || n < 1 || n > MAX_INSTANCES) throw new Error(`instances of ${p} must be 1..${MAX_INSTANCES}, got ${n}`);
    for (let i = 2; i <= n; i++) {
      const port = p === 'relay' ? ports.system.relayInstance(i) : ports.system.projectorInstance(i);
      const name = instanceName(p, i);
      out[name] = withCrash(name, {
        url: `http://127.0.0.1:${port}`,
        env: { ...base[p].env, HTTP_PORT: String(port), FAULTLINE_INSTANCE: String(i) },
      });
    }
  }
  return out;
}

async function ready(url: string): Promise<boolean> {
  const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
  return res.status === 200;
}

function containerSpec(name: string, spec: ProcessSpec): containers.SystemContainerSpec {
  return { target: name, entry: ENTRY[systemTarget(name).process], env: spec.env, crash: crashFiles(name) };
}

async function launchContainer(name: string, spec: ProcessSpec): Promise<void> {
  await containers.startSystemContainer(containerSpec(name, spec));
  try {
    await waitFor(name, () => ready(spec.url), { timeoutMs: 90_000, intervalMs: 250 });
  } catch (err) {
    throw new StartError(name, `${(err as Error).message}\n--- last lines of its container ---\n${containers.systemContainerLog(name)}`);
  }
}

async function launch(name: string, spec: ProcessSpec, runtime = systemRuntime()): Promise<void> {
  if (runtime === 'containers') return launchContainer(name, spec);
  const proc = managed(name, spec.env);
  const pid = readPid(proc) ?? startProcess(proc);
  try {
    await waitFor(name, () => ready(spec.url), { timeoutMs: 45_000, intervalMs: 150, alive: () => isAlive(pid) });
  } catch (err) {
    throw new StartError(name, (err as Error).message, proc.logFile);
  }
}

/** Migrates both databases, creates the topics, starts the processes the modes need. */
export async function startSystem(addr: EnvAddresses, opts: SystemOptions = {}): Promise<EnvAddresses> {
  const log = opts.onProgress ?? (() => undefined);
  const runtime = opts.runtime ?? harnessSettings().system;
  if (runtime === 'containers' && addr.provider !== 'testcontainers')
    throw new Error(
      `the system's containers run on the container engine: use --provider testcontainers (this environment: ${addr.provider})`,
    );
  // Before anything starts: a cdc worker on a server without a binary log would only wait for Debezium.
  await requireBinlog(addr, opts.publishMode ?? 'outbox');
  if (runtime === 'containers') await containers.ensureSystemImage(log);
  mkdirSync(systemDir(), { recursive: true });
  const { migrate } = await import('../../system/shared/migrate.ts');
  const { ensureTopics } = await import('../../system/shared/topics.ts');
  const admin = (db: 'commands' | 'queries') => {
    const d = addr.mariadb[db];
    return `mysql://${d.admin.user}:${d.admin.password}@${d.host}:${d.port}/${db}`;
  };
  // The roles get this environment's passwords (sql/ holds none).
  const passwords = (opts.credentials ?? environmentCredentials(runDir())).mariadb;
  await migrate({ adminUrl: admin('commands'), database: 'commands', passwords });
  await migrate({ adminUrl: admin('queries'), database: 'queries', passwords });
  await ensureTopics({
    brokers: addr.kafka.internal,
    sasl: addr.kafka.sasl,
    replicationFactor: Math.min(addr.kafka.brokers, 3),
    ...(opts.partitions !== undefined ? { partitions: opts.partitions } : {}),
  });
  log('system: schemas migrated, topics ready');

  const specs = systemSpecs(addr, opts);
  const all = instanceSpecs(addr, opts);
  const wanted = Object.keys(all);
  const saved: SavedSpec = { processes: all, runtime };
  writeFileSync(specFile(), JSON.stringify(saved, null, 2));
  // A crash log and arming left by an earlier run must not be read as this run's (the log then
  // grows across restarts within the run, so a point that fired stays on record).
  for (const p of wanted) if (systemProcessPid(p) === undefined) for (const f of Object.values(crashFiles(p))) rmSync(f, { force: true });
  for (const s of opts.standby ?? [])
    if (!wanted.includes(s)) throw new Error(`standby ${s} is not among the instances started: ${wanted.join(', ')}`);
  const launched = wanted.filter((p) => !(opts.standby ?? []).includes(p));
  const publish = opts.publishMode ?? 'outbox';
  await Promise.all([
    ...launched.map((p) => launch(p, all[p]!, runtime)),
    ...(isCdc(publish)
      ? [
          startConnect(addr, {
            exactlyOnce: publish === 'cdc-eos',
            credentials: opts.credentials ?? environmentCredentials(runDir()),
            onProgress: log,
          }),
        ]
      : []),
  ]);
  log(
    `system: ${launched.join(', ')} ready${runtime === 'containers' ? ' as containers' : ''}${opts.standby?.length ? ` (standing by: ${opts.standby.join(', ')})` : ''} (publish ${opts.publishMode ?? 'outbox'}, consume ${opts.consumeMode ?? 'effectively-once'})`,
  );
  const urls: SystemUrls = {
    commandService: `http://${addr.links['client-command'][0]!.listen}`,
    commandServiceDirect: specs['command-service'].url,
    queryApi: specs['query-api'].url,
    relay: specs.relay.url,
    projector: specs.projector.url,
    instances: Object.fromEntries(wanted.map((p) => [p, all[p]!.url])),
  };
  return { ...addr, system: urls };
}

function savedSpec(): SavedSpec {
  return existsSync(specFile()) ? (JSON.parse(readFileSync(specFile(), 'utf8')) as SavedSpec) : { processes: {} };
}

/** Every system process target that may be running: the saved spec's, plus instance 1 of each. */
export function systemTargets(): string[] {
  return [...new Set([...SYSTEM_PROCESSES, ...Object.keys(savedSpec().processes)])];
}

/** Where the processes of the saved spec run (host when none was saved). */
export function systemRuntime(): containers.SystemRuntime {
  return savedSpec().runtime ?? 'host';
}

export async function stopSystem(): Promise<void> {
  const inContainers = systemRuntime() === 'containers';
  await Promise.all([...systemTargets().map((p) => stopProcess(managed(p))), stopConnect()]);
  if (inContainers) await containers.removeSystemContainers();
}

/** For faults: SIGKILL / SIGSTOP / SIGCONT / SIGUSR2 one process ('relay', 'projector#2', …). */
export function signalSystemProcess(name: string, signal: NodeJS.Signals): number {
  if (systemRuntime() !== 'containers') return signalProcess(managed(name), signal);
  const pid = systemProcessPid(name);
  if (pid === undefined) throw new Error(`${name} is not running`);
  containers.signalSystemContainerSync(name, signal);
  return pid;
}

/** For faults: start a process again with the spec it was first started with. */
export async function restartSystemProcess(name: string, opts: { graceful?: boolean } = {}): Promise<void> {
  const spec = savedSpec().processes[name];
  if (!spec) throw new Error(`${name} was not started by this environment`);
  const inContainers = systemRuntime() === 'containers';
  if (opts.graceful !== false) await (inContainers ? containers.stopSystemContainer(name) : stopProcess(managed(name)));
  // Forced: whatever is left of the old process (e.g. one still dying at its crash point) goes first.
  else await (inContainers ? containers.stopSystemContainer(name, 0) : killProcess(managed(name)));
  await launch(name, spec);
}

/** The process's pid on this host (for a container: its init's), while it runs. */
export function systemProcessPid(name: string): number | undefined {
  if (systemRuntime() === 'containers') return containers.systemContainerPid(name, ENTRY[systemTarget(name).process]);
  return readPid(managed(name));
}

/** Whether this environment started the target (a dual-write run has no relay, for instance). */
export function systemProcessStarted(name: string): boolean {
  return savedSpec().processes[name] !== undefined;
}

/** The environment a process was started with (e.g. the projector's CONSUME_MODE). */
export function systemProcessEnv(name: string): Record<string, string> | undefined {
  return savedSpec().processes[name]?.env;
}

export async function systemStatus(): Promise<ComponentStatus[]> {
  const spec = savedSpec();
  const out: ComponentStatus[] = [];
  for (const [name, s] of Object.entries(spec.processes)) {
    const pid = systemProcessPid(name);
    const ok = pid !== undefined && (await ready(s.url).catch(() => false));
    out.push({ name, healthy: ok, pid, address: s.url, detail: pid === undefined ? 'not running' : ok ? undefined : 'not ready' });
  }
  const rest = connectRestUrl();
  if (rest) {
    const pid = connectPid();
    const status = pid === undefined ? undefined : await connectorStatus(rest).catch(() => undefined);
    const detail =
      pid === undefined
        ? 'not running'
        : !status
          ? 'REST API not answering'
          : isRunning(status)
            ? undefined
            : (failureOf(status) ?? 'connector not running');
    out.push({ name: 'connect', healthy: detail === undefined, pid, address: rest, detail: detail?.split('\n')[0] });
  }
  return out;
}

/**
 * A clean slate for the next scenario: stops the processes, drops both databases and the
 * topics (and the projector's group offsets), so no run inherits another's data.
 */
export async function wipeSystemState(addr: EnvAddresses): Promise<void> {
  await stopSystem();
  await wipeConnect(addr);
  const mysql = (await import('mysql2/promise')).default;
  for (const db of ['commands', 'queries'] as const) {
    const d = addr.mariadb[db];
    const conn = await mysql.createConnection({ host: d.host, port: d.port, user: d.admin.user, password: d.admin.password });
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await conn.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4`);
    } finally {
      await conn.end();
    }
  }
  const admin = harnessKafka(addr, 'faultline-wipe').admin();
  await admin.connect();
  try {
    const { TOPIC, DLQ_TOPIC } = await import('../../system/shared/events.ts');
    const existing = new Set(await admin.listTopics());
    const doomed = [TOPIC, DLQ_TOPIC].filter((t) => existing.has(t));
    if (doomed.length) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => !g.startsWith('faultline-observer'));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    // Topic deletion is asynchronous in KRaft: wait until the names are gone before re-creating.
    await waitFor('topics deleted', async () => (await admin.listTopics()).every((t) => !doomed.includes(t)), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  } finally {
    await admin.disconnect();
  }
}
