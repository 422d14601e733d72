// The local provider's lifecycle on its own ports and run directory (so the shared environment
// of the other tests is untouched): `up` is idempotent, `status` sees a killed component, `down`
// leaves no process and no listening port behind.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFileOf, type EnvCredentials, readCredentials } from '../../system/shared/credentials.ts';
import { SIBLING_SPANS, siblingBasePort } from './ports.ts';

// Its own span of ports beside FAULTLINE_BASE_PORT's (the shared environment's), never a fixed one.
process.env.FAULTLINE_BASE_PORT = String(siblingBasePort(SIBLING_SPANS.localLifecycle));
process.env.FAULTLINE_RUN_DIR = mkdtempSync(join(tmpdir(), 'faultline-lifecycle-'));

const { getLocalProvider, infraProcesses, localLayout } = await import('./local/localProvider.ts');
const { isOurs, readPid, signalProcess } = await import('./local/processes.ts');
const { isPortFree } = await import('./local/portCheck.ts');

const provider = getLocalProvider();
const layout = localLayout(1);
const procs = infraProcesses(layout);
const pids = () => Object.fromEntries(procs.map((p) => [p.name, readPid(p)]));
const health = async () => Object.fromEntries((await provider.status()).map((c) => [c.name, c.healthy]));

function listeningPorts(): number[] {
  const p = layout.ports;
  return [
    p.toxiproxyApi,
    p.mariadb.commands,
    p.mariadb.queries,
    p.kafka.internal(0),
    p.kafka.controller(0),
    p.kafka.relay(0),
    p.kafka.projector(0),
    p.proxies.clientCommand,
    p.proxies.commandDb,
    p.proxies.relayDb,
    p.proxies.queryDb,
    p.proxies.projectorDb,
    p.proxies.relayKafka(0),
    p.proxies.projectorKafka(0),
  ];
}

const credentialsFile = credentialsFileOf(process.env.FAULTLINE_RUN_DIR!);
let firstCredentials: EnvCredentials | undefined;

describe('local provider lifecycle', () => {
  beforeAll(async () => {
    await provider.up({ brokers: 1 });
    firstCredentials = readCredentials(credentialsFile);
  }, 180_000);
  afterAll(() => provider.down(), 60_000);

  it('up twice reuses every running process', async () => {
    const first = pids();
    expect(Object.values(first).every((pid) => typeof pid === 'number')).toBe(true);
    await provider.up({ brokers: 1 });
    expect(pids()).toEqual(first);
    expect(Object.values(await health()).every(Boolean)).toBe(true);
  });

  it('refuses to change the broker count of a running environment', async () => {
    await expect(provider.up({ brokers: 3 })).rejects.toThrow(/has 1 broker/);
  });

  it('status detects a killed broker and a killed MariaDB', async () => {
    signalProcess(
      procs.find((p) => p.name === 'kafka-1')!,
      'SIGKILL',
    );
    signalProcess(
      procs.find((p) => p.name === 'mariadb-queries')!,
      'SIGKILL',
    );
    await new Promise((r) => setTimeout(r, 500));
    const h = await health();
    expect(h['kafka-1']).toBe(false);
    expect(h['mariadb-queries']).toBe(false);
    expect(h['mariadb-commands']).toBe(true);
    expect(h.toxiproxy).toBe(true);
  });

  it('up restarts only what died', async () => {
    const before = pids();
    await provider.up({ brokers: 1 });
    const after = pids();
    expect(after['mariadb-commands']).toBe(before['mariadb-commands']);
    expect(after.toxiproxy).toBe(before.toxiproxy);
    expect(after['kafka-1']).toBeTypeOf('number');
    expect(after['mariadb-queries']).toBeTypeOf('number');
    expect(Object.values(await health()).every(Boolean)).toBe(true);
  });

  it('down leaves no process and no listening port', async () => {
    const running = Object.entries(pids()).map(([name, pid]) => ({ name, pid: pid!, marker: procs.find((p) => p.name === name)!.marker }));
    await provider.down();
    for (const r of running) expect(isOurs(r.pid, r.marker), `${r.name} (pid ${r.pid}) still running`).toBe(false);
    for (const port of listeningPorts()) expect(await isPortFree(port), `port ${port} still listening`).toBe(true);
    expect(existsSync(credentialsFile), 'the passwords outlived their environment').toBe(false);
  });

  it('gives the next environment other random passwords, kept 0600', async () => {
    expect(firstCredentials, 'the first environment had no credentials file').toBeDefined();
    await provider.up({ brokers: 1 });
    try {
      expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
      const next = readCredentials(credentialsFile)!;
      for (const [role, pw] of Object.entries(next.mariadb)) expect(pw, role).not.toBe(firstCredentials!.mariadb[role as 'relay']);
      for (const [p, pw] of Object.entries(next.kafka.passwords)) expect(pw, p).not.toBe(firstCredentials!.kafka.passwords[p as 'relay']);
    } finally {
      await provider.down();
    }
  }, 180_000);
});
