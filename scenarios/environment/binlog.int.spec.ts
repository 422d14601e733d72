// The binary log of `commands` on the shared environment: off where it was brought up for modes
// that do not read it (`env up --no-binlog`), on with BINLOG_SETTINGS where it was brought up for
// cdc (the suite's environmentUp), switched by restarting commands alone with its data kept, kept
// across a restart of commands, and a cdc start refused at once without it. The setting found is
// put back at the end. Needs `npm run env -- up --infra-only`; local provider only.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentUp } from '../runner/environmentUp.ts';
import { hasBinlog } from './binlog.ts';
import { connectPid } from './connect/lifecycle.ts';
import { getLocalProvider, infraProcesses, localLayout } from './local/localProvider.ts';
import { BINLOG_SETTINGS } from './local/mariadb.ts';
import { readPid } from './local/processes.ts';
import { PROJECT_ROOT, runDir } from './paths.ts';
import { requireState } from './state.ts';
import { startSystem, stopSystem, systemStatus } from './system.ts';
import type { EnvAddresses } from './types.ts';

const initial = requireState();
const binlogBefore = hasBinlog(initial);

/** `npm run env -- …` as a user runs it, on this environment's base port and run dir. */
function envCli(...args: string[]): void {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scenarios/cli/env.ts', ...args, '--quiet'], {
    cwd: PROJECT_ROOT,
    env: process.env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(res.status, `env ${args.join(' ')}: ${res.stderr}${res.stdout}`).toBe(0);
}

async function variables(env: EnvAddresses): Promise<Record<string, string | number>> {
  const d = env.mariadb.commands;
  const conn = await mysql.createConnection({ host: d.host, port: d.port, user: d.admin.user, password: d.admin.password });
  try {
    const names = ['log_bin', 'innodb_flush_log_at_trx_commit', ...Object.keys(BINLOG_SETTINGS)];
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT ${names.map((n) => `@@global.${n} AS ${n}`).join(', ')}`);
    return rows[0] as Record<string, string | number>;
  } finally {
    await conn.end();
  }
}

/** A row in a scratch table of commands, to see the data dir survive a switch. */
async function scratch(env: EnvAddresses, write?: string): Promise<string[]> {
  const d = env.mariadb.commands;
  const conn = await mysql.createConnection({ host: d.host, port: d.port, user: d.admin.user, password: d.admin.password });
  try {
    await conn.query('CREATE DATABASE IF NOT EXISTS faultline_binlog_probe');
    await conn.query('CREATE TABLE IF NOT EXISTS faultline_binlog_probe.probe (v VARCHAR(64) PRIMARY KEY)');
    if (write) await conn.query('INSERT INTO faultline_binlog_probe.probe (v) VALUES (?)', [write]);
    const [rows] = await conn.query<RowDataPacket[]>('SELECT v FROM faultline_binlog_probe.probe ORDER BY v');
    return rows.map((r) => String(r.v));
  } finally {
    await conn.end();
  }
}

const commandsPid = () => readPid(infraProcesses(localLayout(initial.kafka.brokers)).find((p) => p.name === 'mariadb-commands')!);
const binlogDir = join(runDir(), 'mariadb-commands', 'binlog');

describe.runIf(initial.provider === 'local')('the binary log of commands follows what the environment was brought up for', () => {
  let queriesPid: number | undefined;

  beforeAll(async () => {
    await stopSystem();
    queriesPid = readPid(infraProcesses(localLayout(initial.kafka.brokers)).find((p) => p.name === 'mariadb-queries')!);
  });

  afterAll(async () => {
    const env = requireState();
    const d = env.mariadb.commands;
    const conn = await mysql.createConnection({ host: d.host, port: d.port, user: d.admin.user, password: d.admin.password });
    await conn.query('DROP DATABASE IF EXISTS faultline_binlog_probe').finally(() => conn.end());
    envCli('up', '--infra-only', binlogBefore ? '--binlog' : '--no-binlog');
  }, 240_000);

  it('is off in an environment brought up without it (env up --no-binlog), durability otherwise unchanged', async () => {
    envCli('up', '--infra-only', '--no-binlog');
    const env = requireState();
    expect(env.mariadb.commands.binlog).toBe(false);
    const v = await variables(env);
    expect(Number(v.log_bin)).toBe(0);
    expect(Number(v.innodb_flush_log_at_trx_commit)).toBe(1);
    expect(await scratch(env, 'written-without-binlog')).toEqual(['written-without-binlog']);
  });

  it('refuses a cdc start there at once, saying how to get one, and starts nothing', async () => {
    const t0 = Date.now();
    await expect(startSystem(requireState(), { publishMode: 'cdc-eos' })).rejects.toThrow(
      /--publish cdc-eos streams the binary log of commands.*log_bin=0.*npm run env -- up --publish cdc-eos.*--binlog/s,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(connectPid()).toBeUndefined();
    expect((await systemStatus()).filter((r) => r.pid !== undefined)).toEqual([]);
  });

  it('is on with BINLOG_SETTINGS once brought up for cdc: commands restarted alone, its data kept', async () => {
    const before = commandsPid();
    const up = await environmentUp(() => undefined, { brokers: initial.kafka.brokers, binlog: true });
    expect(up.broughtUp).toBe(false);
    expect(up.env.mariadb.commands.binlog).toBe(true);
    expect(requireState().mariadb.commands.binlog).toBe(true);
    expect(commandsPid()).not.toBe(before);
    expect(readPid(infraProcesses(localLayout(initial.kafka.brokers)).find((p) => p.name === 'mariadb-queries')!)).toBe(queriesPid);
    const v = await variables(up.env);
    expect(Number(v.log_bin)).toBe(1);
    expect(Number(v.innodb_flush_log_at_trx_commit)).toBe(1);
    for (const [k, want] of Object.entries(BINLOG_SETTINGS)) {
      const got = v[k];
      expect(String(got) === String(want) || (want === 'ON' && Number(got) === 1), `${k}=${String(got)}, want ${want}`).toBe(true);
    }
    expect(await scratch(up.env, 'written-with-binlog')).toEqual(['written-with-binlog', 'written-without-binlog']);
    expect(existsSync(binlogDir) && readdirSync(binlogDir).some((f) => f.startsWith('commands-bin.'))).toBe(true);
  });

  it('keeps it when commands is restarted (a fault, env restart commands-db)', async () => {
    await getLocalProvider().control.restart('commands-db');
    expect(Number((await variables(requireState())).log_bin)).toBe(1);
    // Reused as it is: nothing to switch.
    const up = await environmentUp(() => undefined, { brokers: initial.kafka.brokers, binlog: true });
    expect(up.env.mariadb.commands.binlog).toBe(true);
  });

  it('goes off again for a suite group without cdc cells', async () => {
    const up = await environmentUp(() => undefined, { brokers: initial.kafka.brokers, binlog: false });
    expect(up.env.mariadb.commands.binlog).toBe(false);
    expect(Number((await variables(up.env)).log_bin)).toBe(0);
    expect(await scratch(up.env)).toEqual(['written-with-binlog', 'written-without-binlog']);
  });
});
