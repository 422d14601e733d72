// What the benchmark needs from the environment: a clean system per phase, stopping and starting
// single processes (a backlog builds while its consumer is down), direct admin connections to
// the databases, and metrics. Only the public environment modules are used, so
// FAULTLINE_BASE_PORT / FAULTLINE_RUN_DIR move the bench with the environment.
import mysql, { type Connection } from 'mysql2/promise';
import { writeState } from '../environment/state.ts';
import {
  restartSystemProcess,
  signalSystemProcess,
  startSystem,
  systemProcessPid,
  wipeSystemState,
  type SystemProcess,
} from '../environment/system.ts';
import type { EnvAddresses, SystemUrls } from '../environment/types.ts';
import { metricSum, parsePrometheus } from '../record/metrics.ts';

export type Log = (line: string) => void;
export type Running = EnvAddresses & { system: SystemUrls };

/** Drops both databases and the topics, then starts the four processes. */
export async function freshSystem(addr: EnvAddresses, log: Log, env: Record<string, string> = {}): Promise<Running> {
  await wipeSystemState(addr);
  const up = await startSystem(addr, { env: { LOG_LEVEL: 'warn', ...env } });
  writeState(up);
  log('  system wiped and started');
  return up as Running;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `intervalMs` until true; throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, o: { timeoutMs: number; intervalMs: number }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${o.timeoutMs} ms`);
    await sleep(o.intervalMs);
  }
}

/** SIGTERM (then SIGKILL after 15 s) and wait until the process is gone. */
export async function stopProcess(name: SystemProcess): Promise<void> {
  if (systemProcessPid(name) === undefined) return;
  signalSystemProcess(name, 'SIGTERM');
  try {
    await waitUntil(`${name} stopped`, async () => systemProcessPid(name) === undefined, { timeoutMs: 15_000, intervalMs: 100 });
  } catch {
    if (systemProcessPid(name) !== undefined) signalSystemProcess(name, 'SIGKILL');
    await waitUntil(`${name} killed`, async () => systemProcessPid(name) === undefined, { timeoutMs: 5_000, intervalMs: 50 });
  }
}

/** Starts a stopped process with the spec it was started with; resolves once it is ready. */
export const startProcess = (name: SystemProcess) => restartSystemProcess(name, { graceful: false });

export async function adminConnection(addr: EnvAddresses, db: 'commands' | 'queries', schema?: string): Promise<Connection> {
  const d = addr.mariadb[db];
  return mysql.createConnection({
    host: d.host,
    port: d.port,
    user: d.admin.user,
    password: d.admin.password,
    timezone: 'Z',
    ...(schema ? { database: schema } : {}),
  });
}

export function adminUrl(addr: EnvAddresses, db: 'commands' | 'queries'): string {
  const d = addr.mariadb[db];
  return `mysql://${encodeURIComponent(d.admin.user)}:${encodeURIComponent(d.admin.password)}@${d.host}:${d.port}/`;
}

export async function countRows(conn: Connection, sql: string): Promise<number> {
  const [rows] = await conn.query(sql);
  return Number((rows as Array<{ n: number | string }>)[0]?.n ?? 0);
}

/** Sum of a Prometheus metric (all label sets) from a process' /metrics. */
export async function readMetric(baseUrl: string, name: string): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(2_000) });
  return metricSum(parsePrometheus(await res.text()), name);
}
