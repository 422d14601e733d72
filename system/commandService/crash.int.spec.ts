// The real command service process, SIGKILLed by its named crash points right after a group
// commit and before any reply (and, in dual-write, after the commit and before the publish). The
// commit is durable; every command of the crashed group is applied once or not at all; after a
// restart, retries with the same Idempotency-Keys get the first answer and write nothing more.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSchema, kafkaSettings, servers, type TestSchema, uniqueName } from '../testing/intSupport.ts';

let schema: TestSchema;
const children: ChildProcess[] = [];
const crashLog = join(mkdtempSync(join(tmpdir(), 'faultline-cs-crash-')), 'crash.jsonl');

beforeAll(async () => {
  schema = await freshSchema('commands');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await schema?.drop();
});

/** Starts main.ts as its own process; resolves with its URL once it listens. */
async function startService(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'system/commandService/main.ts'], {
    env: {
      ...process.env,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      COMMANDS_DB_URL: schema.roleUrl('command_service'),
      FAULTLINE_CRASH_LOG: crashLog,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('command service did not listen within 60 s')), 60_000);
    child.once('exit', (code, signal) => reject(new Error(`command service exited early: ${code ?? signal}`)));
    lines.on('line', (line) => {
      const m = /"url":"(http:\/\/[^"]+)".*command service listening/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  lines.on('line', () => undefined); // keep draining stdout
  return { child, url };
}

const body = (i: number) => ({
  id: `0190a6b2-0000-7000-8000-${i.toString(16).padStart(12, '0')}`,
  name: `crash ${i} 😀`,
  dateRegister: '2024-01-02',
});
async function post(url: string, i: number, key: string) {
  const res = await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body(i)),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    json: (await res.json()) as Record<string, unknown>,
  };
}
const q = async (sql: string, params: unknown[] = []) => (await schema.admin.query<RowDataPacket[]>(sql, params))[0];
const crashes = () =>
  readFileSync(crashLog, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('command service crash points (real process, SIGKILL)', () => {
  it('after the group commit, before the replies: each command applied once or not at all; retries get the first answer', async () => {
    const prefix = uniqueName('crash');
    const { child, url } = await startService({
      GROUP_CONCURRENCY: '1',
      FAULTLINE_CRASH_POINTS: 'command-service.after-commit-before-reply:3',
    });
    expect((await post(url, 0, `${prefix}-0`)).status).toBe(201); // pass 1
    const exited = once(child, 'exit');
    const N = 12;
    const attempts = await Promise.allSettled(Array.from({ length: N }, (_, i) => post(url, i + 1, `${prefix}-${i + 1}`)));
    const [code, signal] = (await exited) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    // Answered: the group before the crashed one (pass 2). Nobody in the crashed group got a reply.
    const answered = new Map<string, Record<string, unknown>>();
    attempts.forEach((a, i) => {
      if (a.status === 'fulfilled') answered.set(`${prefix}-${i + 1}`, a.value.json);
    });
    const crash = crashes().find((c) => c.crashPoint === 'command-service.after-commit-before-reply' && c.pid === child.pid);
    expect(crash).toMatchObject({ pass: 3 });

    // Durable: the crashed group's commands are all there, each exactly once, with their keys.
    const perKey = await q('SELECT causation_id AS k, COUNT(*) AS n FROM events WHERE causation_id LIKE ? GROUP BY causation_id', [
      `${prefix}-%`,
    ]);
    expect(perKey.every((r) => Number(r.n) === 1)).toBe(true);
    const committed = new Set(perKey.map((r) => String(r.k)).filter((k) => k !== `${prefix}-0`));
    const crashedGroup = [...committed].filter((k) => !answered.has(k));
    expect(crashedGroup.length).toBe(crash!.commands);
    expect(crashedGroup.length).toBeGreaterThanOrEqual(1);
    for (const k of answered.keys()) expect(committed.has(k)).toBe(true);
    const keys = await q('SELECT COUNT(*) AS n FROM command_dedup WHERE idempotency_key LIKE ?', [`${prefix}-%`]);
    expect(Number(keys[0]!.n)).toBe(committed.size + 1);
    console.log(`crashed group: ${crashedGroup.length} commands; answered before: ${answered.size}; not applied: ${N - committed.size}`);

    const again = await startService({});
    try {
      for (let i = 1; i <= N; i++) {
        const key = `${prefix}-${i}`;
        const res = await post(again.url, i, key);
        expect(res.status).toBe(201);
        expect(res.replayed).toBe(committed.has(key));
        const [stored] = await q('SELECT response_body AS b FROM command_dedup WHERE idempotency_key = ?', [key]);
        expect(res.json).toEqual(typeof stored!.b === 'string' ? JSON.parse(stored!.b) : stored!.b);
        if (answered.has(key)) expect(res.json).toEqual(answered.get(key));
        const [ev] = await q('SELECT event_id, COUNT(*) AS n FROM events WHERE causation_id = ? GROUP BY event_id', [key]);
        expect({ eventId: ev!.event_id, n: Number(ev!.n) }).toEqual({ eventId: res.json.eventId, n: 1 });
      }
    } finally {
      again.child.kill('SIGTERM');
      await once(again.child, 'exit');
    }
  });

  it('dual-write: after the commit, before the publish: the commit is durable and no outbox row exists', async () => {
    const prefix = uniqueName('crash-dw');
    const { child, url } = await startService({
      PUBLISH_MODE: 'dual-write',
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      ...kafkaSettings(),
      KAFKA_TOPIC: uniqueName('it-unpublished'),
      FAULTLINE_CRASH_POINTS: 'command-service.dual-write.after-commit-before-publish:1',
    });
    const exited = once(child, 'exit');
    await expect(post(url, 100, `${prefix}-1`)).rejects.toThrow();
    expect(await exited).toEqual([null, 'SIGKILL']);
    expect(crashes().some((c) => c.crashPoint === 'command-service.dual-write.after-commit-before-publish' && c.pid === child.pid)).toBe(
      true,
    );
    const [ev] = await q('SELECT event_id FROM events WHERE causation_id = ?', [`${prefix}-1`]);
    expect(ev).toBeDefined();
    expect(await q('SELECT 1 FROM outbox WHERE event_id = ?', [ev!.event_id])).toEqual([]);
  });
});
