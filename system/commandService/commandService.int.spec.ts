// The command service on a real MariaDB (and Kafka for dual-write), started in-process on a
// throwaway schema. Servers: FAULTLINE_IT_* variables, else `.faultline/env.json` (written by
// `npm run env -- up`), else the dev servers (see system/testing/intSupport.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLogger } from '../shared/logger.ts';
import { initTracing, traceIdOf, type SpanRecord } from '../shared/tracing.ts';
import { migrate } from '../shared/migrate.ts';
import type { DbRole } from '../shared/credentials.ts';
import { credentials, harnessSasl, servers, testKafka } from '../testing/intSupport.ts';
import { COMMAND_DEFAULTS } from './config.ts';
import { startCommandService, type CommandServiceConfig, type RunningCommandService } from './commandService.ts';

const adminUrl = servers.commandsDbUrl;
const kafkaBrokers = servers.kafkaBrokers;

const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const schema = `fl_cs_it_${suffix}`;
const admin = new URL(adminUrl);
const serviceUrl = (user: DbRole) =>
  `mysql://${user}:${encodeURIComponent(credentials.mariadb[user])}@${admin.hostname}:${admin.port}/${schema}`;
const tracesFile = join(mkdtempSync(join(tmpdir(), 'faultline-cs-')), 'traces.jsonl');
initTracing('command-service', { tracesFile, otlpEndpoint: '' });

const BODY_LIMIT = 2_048;
const baseConfig: CommandServiceConfig = {
  httpHost: '127.0.0.1',
  httpPort: 0,
  commandsDbUrl: serviceUrl('command_service'),
  commandsDbAdminUrl: adminUrl,
  dbPoolSize: 4,
  publishMode: 'outbox',
  kafkaBrokers: [],
  kafkaTopic: 'user-events',
  dualWriteTimeoutMs: 2_000,
  bodyLimitBytes: BODY_LIMIT,
  shutdownTimeoutMs: 1_000,
  groupMaxCommands: COMMAND_DEFAULTS.groupMaxCommands,
  groupConcurrency: 2,
  lockRetryBudgetMs: COMMAND_DEFAULTS.lockRetryBudgetMs,
  lockWaitTimeoutS: COMMAND_DEFAULTS.lockWaitTimeoutS,
  queryTimeoutMs: COMMAND_DEFAULTS.queryTimeoutMs,
};

let svc: RunningCommandService;
let db: mysql.Connection;
const logger = getLogger('command-service-it', { level: 'silent' });

async function count(table: string): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}
const counts = async () => ({
  events: await count('events'),
  outbox: await count('outbox'),
  dedup: await count('command_dedup'),
  users: await count('USER_DATA'),
});

interface Sent {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}
async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = svc.url): Promise<Sent> {
  const raw = body === undefined ? undefined : Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(raw !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(raw !== undefined ? { body: raw } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const register = (name = 'Ann', headers: Record<string, string> = {}, base = svc.url) =>
  send('POST', '/users', { name, dateRegister: '2024-01-02' }, headers, base);
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v); // MariaDB JSON = LONGTEXT

beforeAll(async () => {
  // The roles get their passwords as `env up` gives them (the service's own start-up migration sets none).
  await migrate({ adminUrl, database: 'commands', schemaName: schema, passwords: credentials.mariadb });
  svc = await startCommandService(baseConfig, logger);
  db = await mysql.createConnection({
    host: admin.hostname,
    port: Number(admin.port),
    user: decodeURIComponent(admin.username),
    password: decodeURIComponent(admin.password),
    database: schema,
    timezone: 'Z',
  });
});

afterAll(async () => {
  await svc?.stop();
  await db?.query(`DROP DATABASE IF EXISTS \`${schema}\``);
  await db?.end();
});

describe('command service (outbox mode)', () => {
  it('registers a user: 201, and event + outbox + USER_DATA in one transaction, traced and correlated', async () => {
    const before = await counts();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await register('Ann', { 'x-correlation-id': 'corr-happy-1', traceparent });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe('corr-happy-1');
    expect(res.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      version: 1,
      eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      correlationId: 'corr-happy-1',
    });
    expect(await counts()).toEqual({ events: before.events + 1, outbox: before.outbox + 1, dedup: before.dedup, users: before.users + 1 });

    const [ev] = await db.query<RowDataPacket[]>('SELECT * FROM events WHERE event_id = ?', [res.json.eventId]);
    expect(ev[0]).toMatchObject({
      stream_id: res.json.id,
      stream_version: 1,
      type: 'UserRegistered',
      schema_version: 1,
      correlation_id: 'corr-happy-1',
    });
    expect(json(ev[0]!.payload)).toEqual({ name: 'Ann', dateRegister: '2024-01-02' });
    expect(traceIdOf(ev[0]!.traceparent as string)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const [ob] = await db.query<RowDataPacket[]>('SELECT * FROM outbox WHERE event_id = ?', [res.json.eventId]);
    expect(ob[0]).toMatchObject({
      stream_id: res.json.id,
      stream_version: 1,
      type: 'UserRegistered',
      published_at: null,
      attempts: 0,
      traceparent: ev[0]!.traceparent,
    });
    const [ud] = await db.query<RowDataPacket[]>(
      'SELECT NAME, DATE_FORMAT(DATE_REGISTER, "%Y-%m-%d") AS d, VERSION, DELETED FROM USER_DATA WHERE ID_USER_DATA = ?',
      [res.json.id],
    );
    expect(ud[0]).toEqual({ NAME: 'Ann', d: '2024-01-02', VERSION: 1, DELETED: 0 });

    const spans = readFileSync(tracesFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SpanRecord);
    expect(
      spans.some(
        (s) =>
          s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736' && s.name === 'command RegisterUser' && s.parentSpanId === '00f067aa0ba902b7',
      ),
    ).toBe(true);
  });

  it('generates a correlation id when none is given and stores it on the event', async () => {
    const res = await register('Gen');
    const cid = res.headers.get('x-correlation-id');
    expect(cid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.correlationId).toBe(cid);
    const [ev] = await db.query<RowDataPacket[]>('SELECT correlation_id FROM events WHERE event_id = ?', [res.json.eventId]);
    expect(ev[0]!.correlation_id).toBe(cid);
  });

  it('accepts a client-chosen id and refuses to register it twice', async () => {
    const id = `0190a6b2-0000-7000-8000-${randomBytes(6).toString('hex')}`;
    const first = await send('POST', '/users', { id, name: 'Cid', dateRegister: '2023-05-06' });
    expect(first.status).toBe(201);
    expect(first.json.id).toBe(id);
    const again = await send('POST', '/users', { id, name: 'Cid', dateRegister: '2023-05-06' });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('USER_ALREADY_EXISTS');
  });

  it('replays the first answer to a retry with the same Idempotency-Key and writes nothing', async () => {
    const key = `k-replay-${suffix}`;
    const first = await register('Idem', { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const after = await counts();
    const retry = await send(
      'POST',
      '/users',
      { dateRegister: '2024-01-02', name: 'Idem' },
      { 'idempotency-key': key, 'x-correlation-id': 'other' },
    );
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await counts()).toEqual(after);

    const reuse = await register('Different', { 'idempotency-key': key });
    expect(reuse.status).toBe(422);
    expect(reuse.json.error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await counts()).toEqual(after);
  });

  describe('200 concurrent requests with one Idempotency-Key: one event, and all get the first answer byte for byte', () => {
    const N = 200;
    interface Raw {
      status: number;
      text: string;
    }
    const rawSend = async (method: string, path: string, key: string, body?: unknown): Promise<Raw> => {
      const res = await fetch(`${svc.url}${path}`, {
        method,
        headers: { 'idempotency-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, text: await res.text() };
    };
    const eventsOf = async (id: string) => {
      const [rows] = await db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM events WHERE stream_id = ?', [id]);
      return Number(rows[0]!.n);
    };
    const storedAnswer = async (key: string) => {
      const [rows] = await db.query<RowDataPacket[]>(
        'SELECT response_status AS status, response_body AS body FROM command_dedup WHERE idempotency_key = ?',
        [key],
      );
      return { status: Number(rows[0]!.status), body: json(rows[0]!.body) };
    };
    const expectOneAnswer = async (results: Raw[], key: string, status: number) => {
      expect(results.filter((r) => r.status >= 500)).toEqual([]);
      expect(new Set(results.map((r) => `${r.status} ${r.text}`))).toEqual(new Set([`${status} ${results[0]!.text}`]));
      expect(await storedAnswer(key)).toEqual({ status, body: JSON.parse(results[0]!.text) });
    };

    it('POST with a client id', async () => {
      const id = `0190a6b2-0000-7000-8000-${randomBytes(6).toString('hex')}`;
      const key = `k-post-${suffix}`;
      const results = await Promise.all(
        Array.from({ length: N }, () => rawSend('POST', '/users', key, { id, name: 'Racer', dateRegister: '2024-01-02' })),
      );
      await expectOneAnswer(results, key, 201);
      expect(await eventsOf(id)).toBe(1);
    });

    it('PUT rename (with and without If-Match)', async () => {
      for (const ifMatch of [undefined, '"1"']) {
        const { json: user } = await register('Put');
        const key = `k-put-${ifMatch ?? 'none'}-${suffix}`;
        const path = `/users/${user.id}/name`;
        const results = await Promise.all(
          Array.from({ length: N }, async () => {
            const res = await fetch(`${svc.url}${path}`, {
              method: 'PUT',
              headers: { 'idempotency-key': key, 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
              body: JSON.stringify({ name: 'Renamed' }),
            });
            return { status: res.status, text: await res.text() };
          }),
        );
        await expectOneAnswer(results, key, 200);
        expect(await eventsOf(user.id as string)).toBe(2);
      }
    });

    it('DELETE', async () => {
      const { json: user } = await register('Del200');
      const key = `k-del-${suffix}`;
      const results = await Promise.all(Array.from({ length: N }, () => rawSend('DELETE', `/users/${user.id}`, key)));
      await expectOneAnswer(results, key, 200);
      expect(await eventsOf(user.id as string)).toBe(2);
    });

    it('same key with a different body is still a 422, before and after the first commits', async () => {
      const key = `k-reuse-${suffix}`;
      const [first, ...others] = await Promise.all([
        rawSend('POST', '/users', key, { name: 'One', dateRegister: '2024-01-02' }),
        ...Array.from({ length: 20 }, () => rawSend('POST', '/users', key, { name: 'Other', dateRegister: '2024-01-02' })),
      ]);
      expect(first!.status).toBe(201);
      expect(new Set(others.map((r) => r.status))).toEqual(new Set([422]));
      expect((await rawSend('POST', '/users', key, { name: 'Other', dateRegister: '2024-01-02' })).status).toBe(422);
    });
  });

  describe('lock waits are retried inside the service before any 503', () => {
    /** Holds the user's USER_DATA row lock from another session for `ms`. */
    async function holdRowLock(id: unknown, ms: number): Promise<() => Promise<void>> {
      const holder = await mysql.createConnection({
        host: admin.hostname,
        port: Number(admin.port),
        user: decodeURIComponent(admin.username),
        password: decodeURIComponent(admin.password),
        database: schema,
      });
      await holder.beginTransaction();
      await holder.query('SELECT 1 FROM USER_DATA WHERE ID_USER_DATA = ? FOR UPDATE', [id]);
      const released = new Promise<void>((resolve) =>
        setTimeout(
          () =>
            void holder
              .rollback()
              .then(() => holder.end())
              .then(resolve),
          ms,
        ),
      );
      return () => released;
    }

    it('a lock-wait timeout is retried within the budget and the command then succeeds', async () => {
      const svc2 = await startCommandService(
        { ...baseConfig, commandsDbAdminUrl: undefined, lockWaitTimeoutS: 1, lockRetryBudgetMs: 5_000 },
        logger,
      );
      try {
        const { json: user } = await register('Locked');
        const released = await holdRowLock(user.id, 1_500); // longer than one lock wait (1 s)
        const started = Date.now();
        const res = await send('PUT', `/users/${user.id}/name`, { name: 'Unlocked' }, {}, svc2.url);
        expect(res.status).toBe(200);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
        await released();
      } finally {
        await svc2.stop();
      }
    });

    it('a round trip unanswered past QUERY_TIMEOUT_MS is a 503; the service goes on with fresh connections', async () => {
      const svc2 = await startCommandService(
        { ...baseConfig, commandsDbAdminUrl: undefined, lockWaitTimeoutS: 30, queryTimeoutMs: 500 },
        logger,
      );
      try {
        const { json: user } = await register('Stuck');
        const released = await holdRowLock(user.id, 2_000);
        const started = Date.now();
        const res = await send('PUT', `/users/${user.id}/name`, { name: 'Late' }, {}, svc2.url);
        expect(res.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(1_900);
        await released();
        const after = await send('PUT', `/users/${user.id}/name`, { name: 'Later' }, {}, svc2.url);
        expect(after.status).toBe(200);
        expect(after.json.version).toBe(2); // the timed-out command wrote nothing
      } finally {
        await svc2.stop();
      }
    });

    it('past the budget the answer is a 503 and nothing is written', async () => {
      const svc2 = await startCommandService(
        { ...baseConfig, commandsDbAdminUrl: undefined, lockWaitTimeoutS: 1, lockRetryBudgetMs: 0 },
        logger,
      );
      try {
        const { json: user } = await register('Locked2');
        const released = await holdRowLock(user.id, 2_500);
        const before = await counts();
        const res = await send('PUT', `/users/${user.id}/name`, { name: 'Never' }, {}, svc2.url);
        expect(res.status).toBe(503);
        expect(res.json.error).toBe('DEPENDENCY_UNAVAILABLE');
        await released();
        expect(await counts()).toEqual(before);
      } finally {
        await svc2.stop();
      }
    });
  });

  it('renames with If-Match; a stale version is a 409 naming expected and actual, and writes nothing', async () => {
    const { json: user } = await register('Ver');
    const ok = await send('PUT', `/users/${user.id}/name`, { name: 'Ver2' }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ id: user.id, version: 2 });
    expect(ok.headers.get('etag')).toBe('"2"');
    const before = await counts();
    const stale = await send('PUT', `/users/${user.id}/name`, { name: 'Ver3' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ error: 'VERSION_CONFLICT', expectedVersion: 1, actualVersion: 2 });
    expect(await counts()).toEqual(before);
    const [ud] = await db.query<RowDataPacket[]>('SELECT NAME, VERSION FROM USER_DATA WHERE ID_USER_DATA = ?', [user.id]);
    expect(ud[0]).toEqual({ NAME: 'Ver2', VERSION: 2 });
  });

  it('two concurrent renames expecting the same version: exactly one wins', async () => {
    const { json: user } = await register('Race');
    const [a, b] = await Promise.all([
      send('PUT', `/users/${user.id}/name`, { name: 'A' }, { 'if-match': '"1"' }),
      send('PUT', `/users/${user.id}/name`, { name: 'B' }, { 'if-match': '"1"' }),
    ]);
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const [rows] = await db.query<RowDataPacket[]>('SELECT stream_version FROM events WHERE stream_id = ? ORDER BY stream_version', [
      user.id,
    ]);
    expect(rows.map((r) => r.stream_version)).toEqual([1, 2]);
  });

  it('concurrent renames without If-Match all apply, with contiguous versions', async () => {
    const { json: user } = await register('Many');
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => send('PUT', `/users/${user.id}/name`, { name: n })));
    const ok = results.filter((r) => r.status === 200).length;
    expect(ok).toBe(6); // serialised on the stream's row lock (or ordered within one group): no race left
    const [rows] = await db.query<RowDataPacket[]>('SELECT stream_version FROM events WHERE stream_id = ? ORDER BY stream_version', [
      user.id,
    ]);
    expect(rows.map((r) => r.stream_version)).toEqual(Array.from({ length: ok + 1 }, (_, i) => i + 1));
    const [ud] = await db.query<RowDataPacket[]>('SELECT VERSION FROM USER_DATA WHERE ID_USER_DATA = ?', [user.id]);
    expect(ud[0]!.VERSION).toBe(ok + 1);
  });

  it('deletes a user; later commands on it are 410 with a reason', async () => {
    const { json: user } = await register('Del');
    const del = await send('DELETE', `/users/${user.id}`);
    expect(del.status).toBe(200);
    expect(del.json.version).toBe(2);
    const [ud] = await db.query<RowDataPacket[]>('SELECT DELETED, VERSION FROM USER_DATA WHERE ID_USER_DATA = ?', [user.id]);
    expect(ud[0]).toEqual({ DELETED: 1, VERSION: 2 });
    const rename = await send('PUT', `/users/${user.id}/name`, { name: 'Ghost' });
    expect(rename.status).toBe(410);
    expect(rename.json).toMatchObject({ error: 'USER_DELETED', message: expect.stringContaining('deleted') });
    expect((await send('DELETE', `/users/${user.id}`)).status).toBe(410);
  });

  describe('bad input: a 4xx with a reason, never a 5xx, nothing written', () => {
    const unknownId = '0190a6b2-0000-7000-8000-000000000000';
    const cases: Array<[string, () => Promise<Sent>, number, string]> = [
      ['malformed JSON', () => send('POST', '/users', '{"name": "x",'), 400, 'INVALID_JSON'],
      [
        'invalid UTF-8',
        () =>
          send(
            'POST',
            '/users',
            Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","dateRegister":"2024-01-02"}')]),
          ),
        400,
        'INVALID_UTF8',
      ],
      ['wrong type', () => send('POST', '/users', { name: 42, dateRegister: '2024-01-02' }), 400, 'VALIDATION_FAILED'],
      ['missing field', () => send('POST', '/users', { name: 'x' }), 400, 'VALIDATION_FAILED'],
      ['unknown field', () => send('POST', '/users', { name: 'x', dateRegister: '2024-01-02', admin: true }), 400, 'VALIDATION_FAILED'],
      ['array body', () => send('POST', '/users', [1, 2]), 400, 'VALIDATION_FAILED'],
      ['empty body', () => send('POST', '/users', ''), 400, 'VALIDATION_FAILED'],
      ['name over 255 characters', () => register('n'.repeat(256)), 400, 'VALIDATION_FAILED'],
      ['empty name', () => register(''), 400, 'VALIDATION_FAILED'],
      ['blank name', () => register('   '), 400, 'VALIDATION_FAILED'],
      ['lone surrogate in name', () => send('POST', '/users', '{"name":"a\\ud800","dateRegister":"2024-01-02"}'), 400, 'VALIDATION_FAILED'],
      ['impossible date', () => send('POST', '/users', { name: 'x', dateRegister: '2024-02-30' }), 400, 'VALIDATION_FAILED'],
      ['body over the limit', () => register('x'.repeat(BODY_LIMIT + 10)), 413, 'BODY_TOO_LARGE'],
      [
        'wrong media type',
        () => send('POST', '/users', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'JSON sent as text/plain',
        () => send('POST', '/users', JSON.stringify({ name: 'x', dateRegister: '2024-01-02' }), { 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a latin1 charset',
        () =>
          send('POST', '/users', Buffer.from('{"name":"caf\xe9","dateRegister":"2024-01-02"}', 'latin1'), {
            'content-type': 'application/json; charset=latin1',
          }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['a known path with an unsupported method', () => send('PATCH', `/users/${unknownId}`, { name: 'x' }), 405, 'METHOD_NOT_ALLOWED'],
      ['a year before 1000', () => send('POST', '/users', { name: 'x', dateRegister: '0999-12-31' }), 400, 'VALIDATION_FAILED'],
      ['a NUL in the name', () => register('a\u0000b'), 400, 'VALIDATION_FAILED'],
      ['256 emoji (code points, not UTF-16 units)', () => register('😀'.repeat(256)), 400, 'VALIDATION_FAILED'],
      ['unknown user (rename)', () => send('PUT', `/users/${unknownId}/name`, { name: 'x' }), 404, 'USER_NOT_FOUND'],
      ['unknown user (delete)', () => send('DELETE', `/users/${unknownId}`), 404, 'USER_NOT_FOUND'],
      ['id that is not a UUID', () => send('PUT', '/users/123/name', { name: 'x' }), 400, 'VALIDATION_FAILED'],
      [
        'If-Match that is not a version',
        () => send('PUT', `/users/${unknownId}/name`, { name: 'x' }, { 'if-match': 'abc' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'If-Match with an unbalanced quote',
        () => send('PUT', `/users/${unknownId}/name`, { name: 'x' }, { 'if-match': '"3' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'If-Match: * on an unknown user',
        () => send('DELETE', `/users/${unknownId}`, undefined, { 'if-match': '*' }),
        412,
        'PRECONDITION_FAILED',
      ],
      [
        'a weak If-Match (never matches strongly)',
        () => send('PUT', `/users/${unknownId}/name`, { name: 'x' }, { 'if-match': 'W/"1"' }),
        412,
        'PRECONDITION_FAILED',
      ],
      [
        'If-Match with several versions',
        () => send('DELETE', `/users/${unknownId}`, undefined, { 'if-match': '"1", "2"' }),
        412,
        'PRECONDITION_FAILED',
      ],
      ['Idempotency-Key with spaces', () => register('x', { 'idempotency-key': 'has space' }), 400, 'VALIDATION_FAILED'],
      [
        'a failed command keeps no key',
        () => send('PUT', `/users/${unknownId}/name`, { name: 'x' }, { 'idempotency-key': `k-404-${suffix}` }),
        404,
        'USER_NOT_FOUND',
      ],
    ];
    it.each(cases)('%s', async (_label, act, status, code) => {
      const before = await counts();
      const res = await act();
      expect(res.status).toBe(status);
      expect(res.json).toMatchObject({ error: code, message: expect.any(String) });
      expect(res.headers.get('x-correlation-id')).toBeTruthy();
      expect(await counts()).toEqual(before);
    });
  });

  it('a 255-emoji name is accepted and stored byte-exact (utf8mb4) in USER_DATA, the event and the outbox row', async () => {
    const name = '👩‍👩‍👧‍👦'.repeat(36) + '😀'.repeat(3); // 7 × 36 + 3 = 255 code points, 510 UTF-16 units
    expect([...name]).toHaveLength(255);
    const res = await register(name);
    expect(res.status).toBe(201);
    const hex = Buffer.from(name, 'utf8').toString('hex').toUpperCase();
    const [ud] = await db.query<RowDataPacket[]>('SELECT HEX(NAME) AS h, CHAR_LENGTH(NAME) AS n FROM USER_DATA WHERE ID_USER_DATA = ?', [
      res.json.id,
    ]);
    expect(ud[0]).toEqual({ h: hex, n: 255 });
    const [ev] = await db.query<RowDataPacket[]>("SELECT HEX(JSON_VALUE(payload, '$.name')) AS h, payload FROM events WHERE event_id = ?", [
      res.json.eventId,
    ]);
    expect(ev[0]!.h).toBe(hex);
    expect((json(ev[0]!.payload) as { name: string }).name).toBe(name);
    const [ob] = await db.query<RowDataPacket[]>("SELECT HEX(JSON_VALUE(payload, '$.name')) AS h FROM outbox WHERE event_id = ?", [
      res.json.eventId,
    ]);
    expect(ob[0]!.h).toBe(hex);
  });

  it('answers 405 with an Allow header on a known path', async () => {
    const res = await fetch(`${svc.url}/users`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('the OpenAPI document states every field constraint the service enforces', async () => {
    type Doc = {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> } }>
      >;
    };
    const doc = (await send('GET', '/openapi.json')).json as unknown as Doc;
    const props = (path: string, method: string) => doc.paths[path]![method]!.requestBody!.content['application/json']!.schema.properties;
    for (const name of [props('/users', 'post').name!, props('/users/{id}/name', 'put').name!]) {
      expect(name).toMatchObject({ type: 'string', minLength: 1, maxLength: 255, pattern: expect.stringContaining('\\S') });
      expect(name.description).toMatch(/code points.*not blank.*NUL.*surrogate/);
    }
    expect(props('/users', 'post').dateRegister).toMatchObject({
      format: 'date',
      pattern: '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$',
      description: expect.stringContaining('1000..9999'),
    });
  });

  it('serves health, OpenAPI and command metrics', async () => {
    expect((await send('GET', '/health/ready')).json).toMatchObject({ status: 'ready', checks: { 'commands-db': 'ok' } });
    const doc = (await send('GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).sort()).toEqual(['/users', '/users/{id}', '/users/{id}/name']);
    expect(doc.paths['/users']!.post).toMatchObject({
      requestBody: { content: { 'application/json': { schema: { required: ['name', 'dateRegister'] } } } },
    });
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/faultline_commands_total\{command="RegisterUser",outcome="accepted",status="201"\} \d+/);
    expect(metrics).toMatch(/faultline_commands_total\{command="RegisterUser",outcome="replayed",status="201"\} \d+/);
    expect(metrics).toMatch(/faultline_idempotent_replays_total\{command="RegisterUser"\} \d+/);
    expect(metrics).toContain('faultline_command_duration_seconds_bucket');
  });

  it('migrations are recorded and idempotent (a second run applies nothing)', async () => {
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'sql', 'commands'))
      .filter((f) => /^\d{3}_.*\.sql$/.test(f))
      .sort();
    const again = await migrate({ adminUrl, database: 'commands', schemaName: schema });
    expect(again).toEqual({ schemaName: schema, applied: [], skipped: files });
    const [rows] = await db.query<RowDataPacket[]>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(files);
  });

  it('least privilege: command_service cannot rewrite the event store; relay can only mark outbox rows', async () => {
    const cs = await mysql.createConnection(serviceUrl('command_service'));
    const relay = await mysql.createConnection(serviceUrl('relay'));
    try {
      await expect(cs.query('DELETE FROM events')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(cs.query('UPDATE outbox SET attempts = 1')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(relay.query('INSERT INTO events (event_id) VALUES (?)', ['x'])).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
      await expect(relay.query('SELECT * FROM USER_DATA')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await relay.beginTransaction();
      await relay.query('SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED');
      await relay.rollback();
    } finally {
      await cs.end();
      await relay.end();
    }
  });
});

describe('command service (dual-write mode: the seed design, loses events)', () => {
  const topic = `fl-it-dual-${suffix}`;
  let kafka: Kafka;

  beforeAll(async () => {
    kafka = testKafka('cs-it');
    const a = kafka.admin();
    await a.connect();
    await a.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await a.disconnect();
  });
  afterAll(async () => {
    const a = kafka.admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await a.disconnect();
  });

  it('publishes from the request path after commit, with no outbox row', async () => {
    const dual = await startCommandService(
      {
        ...baseConfig,
        commandsDbAdminUrl: undefined,
        publishMode: 'dual-write',
        kafkaBrokers,
        kafkaSasl: harnessSasl,
        kafkaTopic: topic,
        dualWriteTimeoutMs: 10_000,
      },
      logger,
    );
    try {
      const before = await counts();
      const res = await register('Dual', { 'x-correlation-id': 'corr-dual' }, dual.url);
      expect(res.status).toBe(201);
      expect(await counts()).toMatchObject({ events: before.events + 1, outbox: before.outbox });
      const consumer = kafka.consumer({ groupId: `cs-it-${suffix}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = await new Promise<{ key: string; value: Record<string, unknown>; headers: Record<string, string> }>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no message within 20 s')), 20_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(t);
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            resolve({ key: String(message.key), value: JSON.parse(String(message.value)) as Record<string, unknown>, headers });
          },
        });
      });
      await consumer.disconnect();
      expect(got.key).toBe(res.json.id);
      expect(got.value).toMatchObject({
        eventId: res.json.eventId,
        streamId: res.json.id,
        streamVersion: 1,
        type: 'UserRegistered',
        correlationId: 'corr-dual',
      });
      expect(got.headers).toMatchObject({ 'event-id': res.json.eventId, 'event-type': 'UserRegistered', 'correlation-id': 'corr-dual' });
    } finally {
      await dual.stop();
    }
  });

  it('broker unreachable: the client still gets 201 and the event is lost (no outbox row)', async () => {
    const dual = await startCommandService(
      {
        ...baseConfig,
        commandsDbAdminUrl: undefined,
        publishMode: 'dual-write',
        kafkaBrokers: ['127.0.0.1:29149'],
        kafkaTopic: topic,
        dualWriteTimeoutMs: 1_000,
      },
      logger,
    );
    try {
      const before = await counts();
      const res = await register('Lost', {}, dual.url);
      expect(res.status).toBe(201);
      expect(await counts()).toMatchObject({ events: before.events + 1, outbox: before.outbox });
      expect(await (await fetch(`${dual.url}/metrics`)).text()).toMatch(/faultline_dual_write_publish_failures_total [1-9]/);
    } finally {
      await dual.stop();
    }
  });
});
