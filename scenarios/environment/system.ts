// Starts the system under test — command service, relay, projector, query API — as four OS
// processes wired through the environment's proxies, so a fault can cut, kill or pause each.
// Each runs in its own process group with a pid file; its spec is saved so a fault can restart it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, type ManagedProcess, readPid, signalProcess, StartError, startProcess, stopProcess, waitFor } from './local/processes.ts';
import { PROJECT_ROOT, runDir } from './paths.ts';
import { basePortFromEnv, portLayout } from './ports.ts';
import type { ComponentStatus, EnvAddresses, SystemUrls } from './types.ts';

export const SYSTEM_PROCESSES = ['command-service', 'relay', 'projector', 'query-api'] as const;
export type SystemProcess = (typeof SYSTEM_PROCESSES)[number];
export type PublishMode = 'outbox' | 'dual-write';
export type ConsumeMode = 'effectively-once' | 'at-least-once' | 'at-most-once';

export interface SystemOptions {
  publishMode?: PublishMode;
  consumeMode?: ConsumeMode;
  /** Extra environment for every process (e.g. faster retry settings in tests). */
  env?: Record<string, string>;
  /** Write every span to this JSONL file (tracing tests). */
  tracesFile?: string;
  onProgress?: (line: string) => void;
}

const ENTRY: Record<SystemProcess, string> = {
  'command-service': 'system/commandService/main.ts',
  relay: 'system/relay/main.ts',
  projector: 'system/projector/main.ts',
  'query-api': 'system/queryApi/main.ts',
};

const systemDir = () => join(runDir(), 'system');
const specFile = () => join(systemDir(), 'spec.json');

interface SavedSpec { processes: Partial<Record<SystemProcess, { env: Record<string, string>; url: string }>> }

function managed(name: SystemProcess, env: Record<string, string> = {}): ManagedProcess {
  const entry = join(PROJECT_ROOT, ENTRY[name]);
  return {
    name,
    pidFile: join(systemDir(), `${name}.pid.json`),
    logFile: join(systemDir(), `${name}.log`),
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    marker: entry,
  };
}

const portOf = (hostPort: string) => Number(hostPort.split(':').pop());
const dbUrl = (role: string, proxy: string, db: string) => `mysql://${role}:${role}@${proxy}/${db}`;

/** The environment variables of each process: every link goes through its proxy. */
export function systemSpecs(addr: EnvAddresses, opts: SystemOptions): Record<SystemProcess, { env: Record<string, string>; url: string }> {
  const ports = portLayout(basePortFromEnv());
  const commandPort = portOf(addr.links['client-command'][0]!.upstream);
  const common = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', HTTP_HOST: '127.0.0.1', ...(opts.tracesFile ? { OTEL_TRACES_FILE: opts.tracesFile } : {}), ...opts.env };
  const at = (port: number) => `http://127.0.0.1:${port}`;
  return {
    'command-service': {
      url: at(commandPort),
      env: {
        ...common, SERVICE_NAME: 'command-service', HTTP_PORT: String(commandPort),
        COMMANDS_DB_URL: dbUrl('command_service', addr.links['command-db'][0]!.listen, 'commands'),
        PUBLISH_MODE: opts.publishMode ?? 'outbox',
        KAFKA_BROKERS: addr.kafka.relay.join(','), // dual-write publishes over the publisher's link
      },
    },
    relay: {
      url: at(ports.system.relay),
      env: {
        ...common, SERVICE_NAME: 'relay', HTTP_PORT: String(ports.system.relay),
        COMMANDS_DB_URL: dbUrl('relay', addr.links['relay-db'][0]!.listen, 'commands'),
        KAFKA_BROKERS: addr.kafka.relay.join(','),
      },
    },
    projector: {
      url: at(ports.system.projector),
      env: {
        ...common, SERVICE_NAME: 'projector', HTTP_PORT: String(ports.system.projector),
        QUERIES_DB_URL: dbUrl('projector', addr.links['projector-db'][0]!.listen, 'queries'),
        KAFKA_BROKERS: addr.kafka.projector.join(','),
        CONSUME_MODE: opts.consumeMode ?? 'effectively-once',
        // A restarted projector rejoins its group only once the dead member's session expires.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        ...opts.env,
      },
    },
    'query-api': {
      url: at(ports.system.queryApi),
      env: {
        ...common, SERVICE_NAME: 'query-api', HTTP_PORT: String(ports.system.queryApi),
        QUERIES_DB_URL: dbUrl('query_api', addr.links['query-db'][0]!.listen, 'queries'),
      },
    },
  };
}

async function ready(url: string): Promise<boolean> {
  const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
  return res.status === 200;
}

async function launch(name: SystemProcess, spec: { env: Record<string, string>; url: string }): Promise<void> {
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
  mkdirSync(systemDir(), { recursive: true });
  const { migrate } = await import('../../system/shared/migrate.ts');
  const { ensureTopics } = await import('../../system/shared/topics.ts');
  const admin = (db: 'commands' | 'queries') => {
    const d = addr.mariadb[db];
    return `mysql://${d.admin.user}:${d.admin.password}@${d.host}:${d.port}/${db}`;
  };
  await migrate({ adminUrl: admin('commands'), database: 'commands' });
  await migrate({ adminUrl: admin('queries'), database: 'queries' });
  await ensureTopics({ brokers: addr.kafka.internal, replicationFactor: Math.min(addr.kafka.brokers, 3) });
  log('system: schemas migrated, topics ready');

  const specs = systemSpecs(addr, opts);
  const wanted = SYSTEM_PROCESSES.filter((p) => !(p === 'relay' && opts.publishMode === 'dual-write'));
  const saved: SavedSpec = { processes: Object.fromEntries(wanted.map((p) => [p, specs[p]])) };
  writeFileSync(specFile(), JSON.stringify(saved, null, 2));
  await Promise.all(wanted.map((p) => launch(p, specs[p])));
  log(`system: ${wanted.join(', ')} ready (publish ${opts.publishMode ?? 'outbox'}, consume ${opts.consumeMode ?? 'effectively-once'})`);
  const urls: SystemUrls = {
    commandService: `http://${addr.links['client-command'][0]!.listen}`,
    commandServiceDirect: specs['command-service'].url,
    queryApi: specs['query-api'].url,
    relay: specs.relay.url,
    projector: specs.projector.url,
  };
  return { ...addr, system: urls };
}

function savedSpec(): SavedSpec {
  return existsSync(specFile()) ? (JSON.parse(readFileSync(specFile(), 'utf8')) as SavedSpec) : { processes: {} };
}

export async function stopSystem(): Promise<void> {
  await Promise.all(SYSTEM_PROCESSES.map((p) => stopProcess(managed(p))));
}

/** For faults: SIGKILL / SIGSTOP / SIGCONT one process. */
export function signalSystemProcess(name: SystemProcess, signal: NodeJS.Signals): number {
  return signalProcess(managed(name), signal);
}

/** For faults: start a process again with the spec it was first started with. */
export async function restartSystemProcess(name: SystemProcess, opts: { graceful?: boolean } = {}): Promise<void> {
  const spec = savedSpec().processes[name];
  if (!spec) throw new Error(`${name} was not started by this environment`);
  if (opts.graceful !== false) await stopProcess(managed(name));
  await launch(name, spec);
}

export function systemProcessPid(name: SystemProcess): number | undefined {
  return readPid(managed(name));
}

export async function systemStatus(): Promise<ComponentStatus[]> {
  const spec = savedSpec();
  const out: ComponentStatus[] = [];
  for (const [name, s] of Object.entries(spec.processes) as [SystemProcess, { url: string }][]) {
    const pid = readPid(managed(name));
    const ok = pid !== undefined && (await ready(s.url).catch(() => false));
    out.push({ name, healthy: ok, pid, address: s.url, detail: pid === undefined ? 'not running' : ok ? undefined : 'not ready' });
  }
  return out;
}

/**
 * A clean slate for the next scenario: stops the processes, drops both databases and the
 * topics (and the projector's group offsets), so no run inherits another's data.
 */
export async function wipeSystemState(addr: EnvAddresses): Promise<void> {
  await stopSystem();
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
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'faultline-wipe', brokers: addr.kafka.internal, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { TOPIC, DLQ_TOPIC } = await import('../../system/shared/events.ts');
    const existing = new Set(await admin.listTopics());
    const doomed = [TOPIC, DLQ_TOPIC].filter((t) => existing.has(t));
    if (doomed.length) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => !g.startsWith('faultline-observer'));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    // Topic deletion is asynchronous in KRaft: wait until the names are gone before re-creating.
    await waitFor('topics deleted', async () => (await admin.listTopics()).every((t) => !doomed.includes(t)), { timeoutMs: 30_000, intervalMs: 200 });
  } finally {
    await admin.disconnect();
  }
}
