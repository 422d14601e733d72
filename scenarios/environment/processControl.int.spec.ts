// Process control of the local provider on real processes: a second projector instance as its
// own target, kill / restart / pause / resume of it, and a MariaDB server killed and restarted
// with its locked-down root. Needs `npm run env -- up --infra-only` (the system is started here).
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLocalProvider } from './local/localProvider.ts';
import { requireState } from './state.ts';
import { startSystem, stopSystem, wipeSystemState } from './system.ts';
import type { EnvAddresses } from './types.ts';

const base = requireState();
const control = getLocalProvider().control;
let env: EnvAddresses;

const ready = async (url: string) =>
  (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined))?.status === 200;
const answers = async (url: string) =>
  await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  await wipeSystemState(base);
  env = await startSystem(base, { instances: { projector: 2 }, env: { LOG_LEVEL: 'warn' } });
});

afterAll(async () => {
  await stopSystem();
});

describe.runIf(base.provider === 'local')('local process control', () => {
  it('lists every started instance and every server as a target', async () => {
    expect((await control.targets()).sort()).toEqual(
      ['command-service', 'commands-db', 'kafka', 'projector', 'projector#2', 'queries-db', 'query-api', 'relay'].sort(),
    );
    expect(env.system!.instances!['projector#2']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await ready(env.system!.instances!['projector#2']!)).toBe(true);
  });

  it('kills one projector instance without touching the other, and restarts it', async () => {
    const url = env.system!.instances!['projector#2']!;
    const before = await control.identity('projector#2');
    const other = await control.identity('projector');
    await control.kill('projector#2');
    expect(await control.identity('projector#2')).toBeUndefined();
    expect(await answers(url)).toBe(false);
    expect(await control.identity('projector')).toBe(other);
    await control.restart('projector#2', { graceful: false });
    const after = await control.identity('projector#2');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(await ready(url)).toBe(true);
  });

  it('pauses an instance (no answer) and resumes it (answers again)', async () => {
    const url = env.system!.instances!['projector#2']!;
    await control.pause('projector#2');
    try {
      expect(await answers(url)).toBe(false);
    } finally {
      await control.resume('projector#2');
    }
    expect(await answers(url)).toBe(true);
  });

  it('a forced restart of an instance that has not died yet (e.g. still dying at its crash point) replaces it', async () => {
    const url = env.system!.instances!['projector#2']!;
    const before = await control.identity('projector#2');
    await control.pause('projector#2'); // alive but never ready: what a process between its crash line and its death looks like
    await control.restart('projector#2', { graceful: false });
    const after = await control.identity('projector#2');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(await ready(url)).toBe(true);
  }, 60_000);

  it('kills and restarts the queries database; root still needs its password', async () => {
    const before = await control.identity('queries-db');
    await control.kill('queries-db');
    expect(await control.identity('queries-db')).toBeUndefined();
    await control.restart('queries-db', { graceful: false });
    expect(await control.identity('queries-db')).not.toBe(before);
    const q = env.mariadb.queries;
    const c = await mysql.createConnection({ host: q.host, port: q.port, user: q.admin.user, password: q.admin.password });
    await c.end();
    await expect(mysql.createConnection({ host: q.host, port: q.port, user: 'root' })).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
    });
  });

  it('refuses a target that does not exist here, naming the accepted forms', async () => {
    await expect(control.kill('projector#9')).rejects.toThrow(/unknown process target/);
    await expect(control.kill('relay#2')).rejects.toThrow(/relay#2 was not started by this environment/);
    await expect(control.kill('kafka-3')).rejects.toThrow(/no broker kafka-3: this environment has 1/);
  });
});
