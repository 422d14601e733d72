// The Kafka Connect worker of the cdc publish modes on real processes: started with the system,
// its connector registered through the REST API, an event end to end through Debezium and the
// projector, and the worker stopped, killed, paused and restarted like any process target.
// Needs `npm run env -- up --infra-only` (the system is started here, in publish mode cdc, after
// commands is switched to its binary log; the setting found is put back at the end).
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFileOf, readCredentials } from '../../../system/shared/credentials.ts';
import { TOPIC } from '../../../system/shared/events.ts';
import { toKafkaMessage } from '../../../system/relay/outboxMessage.ts';
import { toOutboxRow } from '../../../system/relay/outboxStore.ts';
import { readTopic } from '../../observe/readTopic.ts';
import { getLocalProvider } from '../local/localProvider.ts';
import { waitFor } from '../local/processes.ts';
import { runDir } from '../paths.ts';
import { hasBinlog } from '../binlog.ts';
import { switchBinlog } from '../binlogSwitch.ts';
import { requireState } from '../state.ts';
import { startSystem, stopSystem, systemStatus, wipeSystemState } from '../system.ts';
import type { EnvAddresses } from '../types.ts';
import { CONNECTOR_NAME } from './connector.ts';
import { connectPid, connectRestUrl } from './lifecycle.ts';
import { connectorStatus, isRunning, workerAnswers } from './rest.ts';

let base = requireState();
const binlogBefore = hasBinlog(base);
const control = getLocalProvider().control;
let env: EnvAddresses;
let rest: string;

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

async function register(name: string): Promise<string> {
  const res = await fetch(`${env.system!.commandService}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
    body: JSON.stringify({ name, dateRegister: '2026-12-07' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function projected(id: string): Promise<void> {
  await waitFor(`user ${id} in the read model`, async () => (await fetch(`${env.system!.queryApi}/users/${id}`)).status === 200, {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
}

beforeAll(async () => {
  if (base.provider === 'local') base = await switchBinlog(base, true, () => undefined);
  await wipeSystemState(base);
  env = await startSystem(base, { publishMode: 'cdc', env: { LOG_LEVEL: 'warn' } });
  rest = connectRestUrl()!;
}, 240_000);

afterAll(async () => {
  await stopSystem();
  if (base.provider === 'local') await switchBinlog(requireState(), binlogBefore, () => undefined);
}, 120_000);

describe.runIf(base.provider === 'local')('the Kafka Connect worker (publish cdc)', () => {
  it('starts with the system instead of the relay, and is a target', async () => {
    expect(rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await workerAnswers(rest)).toBe(true);
    const targets = await control.targets();
    expect(targets).toContain('connect');
    expect(targets).not.toContain('relay');
    expect((await systemStatus()).find((r) => r.name === 'connect')).toMatchObject({ healthy: true });
  });

  it('registers the outbox connector through the REST API, its password only as a file reference', async () => {
    expect(isRunning(await connectorStatus(rest))).toBe(true);
    const config = (await (await fetch(`${rest}/connectors/${CONNECTOR_NAME}/config`)).json()) as Record<string, string>;
    expect(config['transforms.outbox.type']).toBe('io.debezium.transforms.outbox.EventRouter');
    expect(config['transforms.outbox.table.field.event.key']).toBe('stream_id');
    const password = readCredentials(credentialsFileOf(runDir()))!.mariadb.cdc_connector;
    expect(JSON.stringify(config)).not.toContain(password);
    expect(config['database.password']).toMatch(/^\$\{file:/);
  });

  it("gives the connector's database account the binlog and the outbox, nothing else", async () => {
    const password = readCredentials(credentialsFileOf(runDir()))!.mariadb.cdc_connector;
    const { host, port } = env.mariadb.commands;
    const conn = await mysql.createConnection({ host, port, user: 'cdc_connector', password, database: 'commands' });
    try {
      await conn.query('SELECT COUNT(*) FROM outbox');
      await expect(conn.query('SELECT COUNT(*) FROM events')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(conn.query('DELETE FROM outbox')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    } finally {
      await conn.end();
    }
  });

  it('publishes an outbox row as the relay would (key, envelope, headers) and the projector applies it', async () => {
    const id = await register('Zoë "cdc" 🚀');
    await projected(id);
    const records = (await readTopic(env, TOPIC)).filter((r) => r.key === id);
    expect(records).toHaveLength(1);
    const { host, port, admin } = env.mariadb.commands;
    const conn = await mysql.createConnection({
      host,
      port,
      user: admin.user,
      password: admin.password,
      database: 'commands',
      timezone: 'Z',
    });
    let relayWouldSend;
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT * FROM outbox WHERE stream_id = ?', [id]);
      relayWouldSend = toKafkaMessage(toOutboxRow(rows[0]!));
    } finally {
      await conn.end();
    }
    const record = records[0]!;
    expect(record.key).toBe(relayWouldSend.key);
    expect(JSON.parse(record.value!)).toEqual(JSON.parse(String(relayWouldSend.value)));
    const relayHeaders = Object.fromEntries(Object.entries(relayWouldSend.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(record.headers).toMatchObject(relayHeaders);
    expect(record.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
  });

  it('pauses (the REST API stops answering) and resumes', async () => {
    await control.pause('connect');
    try {
      expect(await workerAnswers(rest).catch(() => false)).toBe(false);
    } finally {
      await control.resume('connect');
    }
    await waitFor('connect answering after SIGCONT', () => workerAnswers(rest), { timeoutMs: 30_000 });
  });

  it('is killed (SIGKILL) and restarted on its files: the connector runs again and streams what was written meanwhile', async () => {
    const before = await control.identity('connect#1');
    expect(before).toBeDefined();
    await control.kill('connect#1');
    expect(await control.identity('connect')).toBeUndefined();
    expect(await workerAnswers(rest).catch(() => false)).toBe(false);
    const whileDown = await register('written while connect was down');
    await control.restart('connect', { graceful: false });
    const after = await control.identity('connect');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(isRunning(await connectorStatus(rest))).toBe(true);
    await projected(whileDown);
  }, 180_000);

  it('restarts gracefully (a new process) and stops with the system', async () => {
    const before = connectPid();
    await control.restart('connect');
    expect(connectPid()).toBeDefined();
    expect(connectPid()).not.toBe(before);
    await stopSystem();
    expect(connectPid()).toBeUndefined();
  }, 180_000);
});
