// The testcontainers provider's lifecycle on its own ports and run dir (the tier's shared
// environment is untouched): `up` reuses what runs, the images honour the official images'
// contracts, the databases' root has this environment's random password, process faults go
// through the engine, the system runs as containers of its own (one unprivileged user each, faults
// and crash points through the engine), nothing listens beyond 127.0.0.1, and `down` leaves no
// container, pod, volume, socket or listening port behind.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIBLING_SPANS, siblingBasePort } from '../ports.ts';
import type { EnvAddresses } from '../types.ts';

const BASE = siblingBasePort(SIBLING_SPANS.containersLifecycle);
process.env.FAULTLINE_BASE_PORT = String(BASE);
process.env.FAULTLINE_RUN_DIR = mkdtempSync(join(tmpdir(), 'faultline-containers-lifecycle-'));

const { getTestcontainersProvider } = await import('./testcontainersProvider.ts');
const { podman, socketPath } = await import('../containers/engine.ts');
const { PROCESS_USERS, systemContainerName } = await import('../containers/systemContainers.ts');
const { isPortFree } = await import('../local/portCheck.ts');
const { registeredBrokers } = await import('../local/kafka.ts');
const { adminCredentialsFile } = await import('../local/mariadb.ts');
const { runDir } = await import('../paths.ts');
const { crashFiles, startSystem, stopSystem, systemProcessPid, SYSTEM_PROCESSES } = await import('../system.ts');
const { ENV_LABEL } = await import('./plan.ts');

const provider = getTestcontainersProvider();
let addr: EnvAddresses;
const health = async () => Object.fromEntries((await provider.status()).map((c) => [c.name, c.healthy]));
const ours = () =>
  podman(['ps', '--all', '--quiet', '--filter', `label=${ENV_LABEL}=${BASE}`])
    .split('\n')
    .filter(Boolean);

/** Every TCP listener on a port of this environment's span, as `address:port`. */
function listenersInSpan(): string[] {
  const lines = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return lines
    .map((l) => l.trim().split(/\s+/)[3]!)
    .filter((local) => {
      const port = Number(local.slice(local.lastIndexOf(':') + 1));
      return port >= BASE && port < BASE + 100;
    });
}

async function query(port: number, sql: string, user?: string, password?: string): Promise<unknown[]> {
  const admin = addr.mariadb.commands.admin;
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: user ?? admin.user,
    password: password ?? admin.password,
    connectTimeout: 3000,
  });
  try {
    return (await conn.query(sql))[0] as unknown[];
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** The real uid a process runs as (from the host's /proc). */
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const state = (target: string) => podman(['container', 'inspect', '--format', '{{.State.Status}}', systemContainerName(target)]).trim();

describe('testcontainers provider lifecycle (local engine)', () => {
  beforeAll(async () => {
    addr = await provider.up({ brokers: 1 });
  }, 600_000);
  afterAll(async () => {
    await stopSystem();
    await provider.down();
    rmSync(process.env.FAULTLINE_RUN_DIR!, { recursive: true, force: true });
  }, 120_000);

  it('listens on 127.0.0.1 only, on every port the clients and the harness use', () => {
    const listeners = listenersInSpan();
    const expected = [
      addr.toxiproxy.api.replace('http://', ''),
      ...addr.kafka.internal,
      ...Object.values(addr.links)
        .flat()
        .map((p) => p.listen),
      `127.0.0.1:${addr.mariadb.commands.port}`,
      `127.0.0.1:${addr.mariadb.queries.port}`,
    ];
    expect(listeners).toEqual(expect.arrayContaining(expected));
    expect(listeners.filter((l) => !l.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('up again reuses every running container', async () => {
    const before = ours().sort();
    const identities = await Promise.all(['kafka', 'commands-db', 'queries-db'].map((t) => provider.control.identity(t)));
    await provider.up({ brokers: 1 });
    expect(ours().sort()).toEqual(before);
    expect(await Promise.all(['kafka', 'commands-db', 'queries-db'].map((t) => provider.control.identity(t)))).toEqual(identities);
  });

  it("gives the databases' root this environment's random password, kept in the run dir (0600)", async () => {
    const file = adminCredentialsFile(runDir());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { user: string; password: string };
    expect(stored.user).toBe('root');
    expect(stored.password.length).toBeGreaterThanOrEqual(24);
    expect(addr.mariadb.commands.admin).toEqual(stored);
    for (const port of [addr.mariadb.commands.port, addr.mariadb.queries.port]) {
      expect(await query(port, 'SELECT 1 AS one', 'root', stored.password)).toEqual([{ one: 1 }]);
      await expect(query(port, 'SELECT 1', 'root', 'faultline')).rejects.toThrow(/Access denied/);
      await expect(query(port, 'SELECT 1', 'faultline', 'faultline')).rejects.toThrow(/Access denied/);
      await expect(query(port, 'SELECT 1', 'root', '')).rejects.toThrow(/Access denied/);
    }
  });

  it('runs MariaDB per the official image contract: database, root password, init scripts, durable commits, no file access', async () => {
    const port = addr.mariadb.commands.port;
    expect(await query(port, 'SHOW DATABASES')).toContainEqual({ Database: 'commands' });
    // The init script moved root from any host to 127.0.0.1; the entrypoint dropped the rest.
    expect(await query(port, "SELECT Host AS host FROM mysql.user WHERE User IN ('root', '') ORDER BY Host")).toEqual([
      { host: '127.0.0.1' },
      { host: 'localhost' },
    ]);
    expect(await query(port, 'SELECT @@innodb_flush_log_at_trx_commit AS f, @@local_infile AS li')).toEqual([{ f: 1, li: 0 }]);
    await expect(query(port, "SELECT 'x' INTO OUTFILE '/tmp/faultline-root-probe.txt'")).rejects.toThrow(/secure-file-priv/);
  });

  it('kills a database container; status sees it; restart brings it back with its data', async () => {
    const port = addr.mariadb.queries.port;
    await query(port, 'CREATE TABLE IF NOT EXISTS queries.survivor (id INT PRIMARY KEY)');
    await query(port, 'REPLACE INTO queries.survivor VALUES (42)');
    const before = await provider.control.identity('queries-db');
    await provider.control.kill('queries-db');
    expect(await provider.control.identity('queries-db')).toBeUndefined();
    const h = await health();
    expect(h['queries-db']).toBe(false);
    expect(h['commands-db']).toBe(true);
    await provider.control.restart('queries-db');
    expect(await provider.control.identity('queries-db')).not.toBe(before);
    expect(await query(port, 'SELECT id FROM queries.survivor')).toEqual([{ id: 42 }]);
  });

  it('pauses the broker (it stops answering) and resumes it (same process)', async () => {
    const before = await provider.control.identity('kafka');
    await provider.control.pause('kafka');
    await expect(registeredBrokers(addr.kafka.internal, 0, addr.kafka.sasl)).rejects.toThrow();
    await provider.control.resume('kafka');
    expect((await registeredBrokers(addr.kafka.internal, 2, addr.kafka.sasl)).has(1)).toBe(true);
    expect(await provider.control.identity('kafka')).toBe(before);
  });

  it('refuses an unknown target with the list of known ones', async () => {
    await expect(provider.control.kill('zookeeper')).rejects.toThrow(/unknown process target "zookeeper".*kafka/);
    expect(await provider.control.targets()).toEqual(expect.arrayContaining(['kafka', 'commands-db', 'queries-db']));
  });

  describe('the system as containers', () => {
    beforeAll(async () => {
      addr = await startSystem(addr, { runtime: 'containers', env: { LOG_LEVEL: 'warn' } });
    }, 600_000);

    it('runs each process in its own container as its own unprivileged user, serving on 127.0.0.1', () => {
      for (const p of SYSTEM_PROCESSES) {
        expect(state(p)).toBe('running');
        const pid = systemProcessPid(p);
        expect(pid, p).toBeTypeOf('number');
        expect(uidOf(pid!), p).toBe(PROCESS_USERS[p].uid);
      }
      const listeners = listenersInSpan();
      for (const url of [addr.system!.commandServiceDirect, addr.system!.queryApi, addr.system!.relay, addr.system!.projector])
        expect(listeners).toContain(url.replace('http://', ''));
      expect(listeners.filter((l) => !l.startsWith('127.0.0.1:'))).toEqual([]);
    });

    it('carries a command through every proxy to the query API', async () => {
      const id = randomUUID();
      const res = await fetch(`${addr.system!.commandService}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ id, name: 'Container Ünïcode 🚢', dateRegister: '2026-11-28' }),
      });
      expect(res.status).toBe(201);
      const deadline = Date.now() + 60_000;
      let seen: { name?: string } | undefined;
      while (Date.now() < deadline && !seen) {
        const r = await fetch(`${addr.system!.queryApi}/users/${id}`);
        if (r.ok) seen = (await r.json()) as { name?: string };
        else await new Promise((ok) => setTimeout(ok, 200));
      }
      expect(seen?.name).toBe('Container Ünïcode 🚢');
    });

    it('pauses and resumes a process container, kills it and restarts it through the engine', async () => {
      const before = await provider.control.identity('relay');
      await provider.control.pause('relay');
      expect(state('relay')).toBe('paused');
      await expect(fetch(`${addr.system!.relay}/health/live`, { signal: AbortSignal.timeout(1500) })).rejects.toThrow();
      await provider.control.resume('relay');
      expect((await fetch(`${addr.system!.relay}/health/live`)).ok).toBe(true);
      expect(await provider.control.identity('relay')).toBe(before);

      await provider.control.kill('projector');
      // podman 4.3 reports 'stopped' until its clean-up of the dead container ran, then 'exited'.
      expect(['stopped', 'exited']).toContain(state('projector'));
      expect(await provider.control.identity('projector')).toBeUndefined();
      await provider.control.restart('projector', { graceful: false });
      expect(state('projector')).toBe('running');
      expect((await fetch(`${addr.system!.projector}/health/ready`)).status).toBe(200);
      expect(uidOf(systemProcessPid('projector')!)).toBe(PROCESS_USERS.projector.uid);
    });

    it('arms a crash point in a running container: the process dies there and the crash log says so', async () => {
      const crash = provider.control.crashPoints!;
      await crash.arm('command-service', 'command-service.after-commit-before-reply:1');
      const reply = await fetch(`${addr.system!.commandServiceDirect}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ id: randomUUID(), name: 'never answered', dateRegister: '2026-11-28' }),
      }).then(
        (r) => r.status,
        (err: Error) => err.message,
      );
      expect(reply).not.toBe(201);
      const deadline = Date.now() + 15_000;
      while (state('command-service') === 'running' && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
      expect(state('command-service')).toBe('exited');
      expect((await crash.fired('command-service')).map((f) => f.crashPoint)).toEqual(['command-service.after-commit-before-reply']);
      expect(statSync(crashFiles('command-service').logFile).uid).toBe(PROCESS_USERS['command-service'].uid);
      await provider.control.restart('command-service', { graceful: false });
      expect((await fetch(`${addr.system!.commandServiceDirect}/health/ready`)).status).toBe(200);
    });
  });

  it('down leaves no container, pod, volume, engine socket or listening port', async () => {
    const volumesBefore = podman(['volume', 'ls', '--quiet']).split('\n').filter(Boolean);
    const mine = podman(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${ENV_LABEL}=${BASE}`])
      .split('\n')
      .filter(Boolean);
    expect(mine.length).toBe(4 + SYSTEM_PROCESSES.length);
    const myVolumes = mine.flatMap((id) =>
      podman(['inspect', '--format', '{{range .Mounts}}{{.Name}} {{end}}', id]).trim().split(' ').filter(Boolean),
    );
    expect(myVolumes.every((v) => volumesBefore.includes(v))).toBe(true);
    // What `npm run env -- down` does.
    await stopSystem();
    await provider.down();
    expect(ours()).toEqual([]);
    expect(podman(['pod', 'ps', '--quiet']).trim()).toBe('');
    const volumesAfter = podman(['volume', 'ls', '--quiet']).split('\n').filter(Boolean);
    expect(myVolumes.filter((v) => volumesAfter.includes(v))).toEqual([]);
    expect(existsSync(socketPath())).toBe(false);
    expect(existsSync(adminCredentialsFile(runDir()))).toBe(false);
    expect(listenersInSpan()).toEqual([]);
    for (const p of [addr.mariadb.commands.port, addr.mariadb.queries.port, BASE]) expect(await isPortFree(p)).toBe(true);
  });
});
