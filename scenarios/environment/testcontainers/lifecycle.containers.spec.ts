// The testcontainers provider's lifecycle on its own ports and run dir (the tier's shared
// environment is untouched): `up` reuses what runs, the images honour the official images'
// contracts, process faults go through the engine, nothing listens beyond 127.0.0.1, and `down`
// leaves no container, pod, volume, socket or listening port behind.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BASE = Number(process.env.FAULTLINE_CONTAINERS_LIFECYCLE_PORT ?? 23200);
process.env.FAULTLINE_BASE_PORT = String(BASE);
process.env.FAULTLINE_RUN_DIR = mkdtempSync(join(tmpdir(), 'faultline-containers-lifecycle-'));

const { getTestcontainersProvider } = await import('./testcontainersProvider.ts');
const { podman, socketPath } = await import('../containers/engine.ts');
const { isPortFree } = await import('../local/portCheck.ts');
const { registeredBrokers } = await import('../local/kafka.ts');
const { ENV_LABEL } = await import('./plan.ts');
const { ADMIN } = await import('../local/mariadb.ts');
import type { EnvAddresses } from '../types.ts';

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

async function query(port: number, sql: string, user: string = ADMIN.user, password: string = ADMIN.password): Promise<unknown[]> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user, password, connectTimeout: 3000 });
  try {
    return (await conn.query(sql))[0] as unknown[];
  } finally {
    await conn.end().catch(() => undefined);
  }
}

describe('testcontainers provider lifecycle (local engine)', () => {
  beforeAll(async () => {
    addr = await provider.up({ brokers: 1 });
  }, 600_000);
  afterAll(async () => {
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

  it('runs MariaDB per the official image contract: database, user, root password, init scripts, durable commits', async () => {
    const port = addr.mariadb.commands.port;
    expect(await query(port, 'SHOW DATABASES')).toContainEqual({ Database: 'commands' });
    // The init script widened the user's grant from its database to every database.
    expect(JSON.stringify(await query(port, 'SHOW GRANTS'))).toContain('ON *.*');
    expect(await query(port, 'SELECT 1 AS one', 'root', ADMIN.password)).toEqual([{ one: 1 }]);
    await expect(query(port, 'SELECT 1', 'root', 'wrong')).rejects.toThrow(/Access denied/);
    expect(await query(port, 'SELECT @@innodb_flush_log_at_trx_commit AS f')).toEqual([{ f: 1 }]);
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
    await expect(registeredBrokers(addr.kafka.internal, 0)).rejects.toThrow();
    await provider.control.resume('kafka');
    expect((await registeredBrokers(addr.kafka.internal, 2)).has(1)).toBe(true);
    expect(await provider.control.identity('kafka')).toBe(before);
  });

  it('refuses an unknown target with the list of known ones', async () => {
    await expect(provider.control.kill('zookeeper')).rejects.toThrow(/unknown process target zookeeper.*kafka/);
    expect(await provider.control.targets()).toEqual(expect.arrayContaining(['kafka', 'commands-db', 'queries-db']));
  });

  it('down leaves no container, pod, volume, engine socket or listening port', async () => {
    const volumesBefore = podman(['volume', 'ls', '--quiet']).split('\n').filter(Boolean);
    const mine = podman(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${ENV_LABEL}=${BASE}`])
      .split('\n')
      .filter(Boolean);
    const myVolumes = mine.flatMap((id) =>
      podman(['inspect', '--format', '{{range .Mounts}}{{.Name}} {{end}}', id]).trim().split(' ').filter(Boolean),
    );
    expect(myVolumes.every((v) => volumesBefore.includes(v))).toBe(true);
    await provider.down();
    expect(ours()).toEqual([]);
    expect(podman(['pod', 'ps', '--quiet']).trim()).toBe('');
    const volumesAfter = podman(['volume', 'ls', '--quiet']).split('\n').filter(Boolean);
    expect(myVolumes.filter((v) => volumesAfter.includes(v))).toEqual([]);
    expect(existsSync(socketPath())).toBe(false);
    expect(listenersInSpan()).toEqual([]);
    for (const p of [addr.mariadb.commands.port, addr.mariadb.queries.port, BASE]) expect(await isPortFree(p)).toBe(true);
  });
});
