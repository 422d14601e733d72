// Real relay processes (`system/relay/main.ts`) on one outbox, on the real broker and MariaDB:
// several racing on hot streams with one SIGKILLed mid-way, and one dying at each named crash
// point and being restarted. Per-stream order on the topic is checked record by record.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KafkaMessage } from 'kafkajs';
import type { RowDataPacket } from 'mysql2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { headersAsText } from '../shared/kafka.ts';
import {
  dropTopics,
  freshSchema,
  freshTopics,
  kafkaSettings,
  readTopic,
  servers,
  testKafka,
  type TestSchema,
  waitFor,
} from '../testing/intSupport.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let schema: TestSchema;
const children: ChildProcess[] = [];

beforeAll(async () => {
  schema = await freshSchema('commands');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await schema?.drop();
  await dropTopics();
});

interface RelayChild {
  proc: ChildProcess;
  owner: Promise<string>; // from its "relay started" log line
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log: () => string;
}

function spawnRelay(topic: string, env: Record<string, string> = {}): RelayChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'system/relay/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      COMMANDS_DB_URL: schema.roleUrl('relay'),
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      ...kafkaSettings(),
      KAFKA_TOPIC: topic,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      RELAY_HEARTBEAT_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  let gotOwner: (o: string) => void = () => undefined;
  const owner = new Promise<string>((r) => (gotOwner = r));
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const m = /"owner":"([0-9a-f-]{36})"[^\n]*"msg":"relay started"/.exec(out);
    if (m) gotOwner(m[1]!);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('exit', (code, signal) => r({ code, signal })),
  );
  return { proc, owner, exited, log: () => out };
}

/** Inserts one multi-row INSERT: ids ascend in the given order, so versions ascend per stream. */
async function insertRows(rows: { streamId: string; version: number }[]): Promise<string[]> {
  const values = rows.map((r) => {
    const eventId = randomUUID();
    const payload = r.version === 1 ? { name: 'n1', dateRegister: '2026-11-28' } : { name: `n${r.version}` };
    return [
      eventId,
      r.streamId,
      r.version,
      r.version === 1 ? 'UserRegistered' : 'UserRenamed',
      1,
      new Date(),
      `corr-${eventId}`,
      `cmd-${eventId}`,
      null,
      JSON.stringify(payload),
    ];
  });
  await schema.admin.query(
    'INSERT INTO outbox (event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload) VALUES ?',
    [values],
  );
  return values.map((v) => String(v[0]));
}

const scalar = async (sql: string, args: unknown[] = []) => {
  const [rows] = await schema.admin.query<RowDataPacket[]>(sql, args);
  return Number(Object.values(rows[0]!)[0]);
};

interface OrderCheck {
  violations: string[]; // a version sent before every earlier version of its stream was sent
  duplicates: number; // records whose event id was already on the topic
  missing: string[]; // expected event ids never seen
}

/**
 * Per key, in topic order: a record may repeat a version already seen (a re-send after a crash
 * between send and mark, which the inbox absorbs) but never run ahead of the next one due.
 */
function checkStreamOrder(msgs: KafkaMessage[], expectedIds: Iterable<string>): OrderCheck {
  const maxByStream = new Map<string, number>();
  const seen = new Set<string>();
  const violations: string[] = [];
  let duplicates = 0;
  for (const m of msgs) {
    const h = headersAsText(m.headers);
    const key = m.key!.toString();
    const v = Number(h['stream-version']);
    const max = maxByStream.get(key) ?? 0;
    if (v > max + 1) violations.push(`${key}: v${v} after v${max}`);
    maxByStream.set(key, Math.max(max, v));
    if (seen.has(h['event-id']!)) duplicates++;
    seen.add(h['event-id']!);
  }
  return { violations, duplicates, missing: [...expectedIds].filter((id) => !seen.has(id)) };
}

describe('relay processes', () => {
  it('three relays racing on hot streams, one SIGKILLed mid-way: every row on the topic, each stream in order', async () => {
    const { topic } = await freshTopics();
    const hot = Array.from({ length: 4 }, () => randomUUID());
    const small = { RELAY_BATCH_SIZE: '20', RELAY_CLAIM_BATCHES: '2' }; // many small claims: more races
    const relays = [spawnRelay(topic, small), spawnRelay(topic, small), spawnRelay(topic, small)];
    const owners = await Promise.all(relays.map((r) => r.owner));
    const expected: string[] = [];
    const claimers = new Set<string>();
    const sample = async () => {
      const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT DISTINCT claimed_by FROM outbox WHERE claimed_by IS NOT NULL');
      for (const r of rows) claimers.add(String(r.claimed_by));
    };
    const rounds = 120;
    for (let round = 1; round <= rounds; round++) {
      const cold = randomUUID();
      expected.push(
        ...(await insertRows([
          ...hot.map((s) => ({ streamId: s, version: round })),
          { streamId: cold, version: 1 },
          { streamId: cold, version: 2 },
        ])),
      );
      if (round % 4 === 0) await sample();
      if (round === rounds / 2) {
        relays[0]!.proc.kill('SIGKILL'); // dies holding whatever it claimed
        expect((await relays[0]!.exited).signal).toBe('SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(async () => (await scalar('SELECT COUNT(*) FROM outbox WHERE published_at IS NULL')) === 0, {
      timeoutMs: 60_000,
      what: 'outbox drained',
    });
    const msgs = await readTopic(
      testKafka('relay-procs'),
      topic,
      (m) => new Set(m.map((x) => headersAsText(x.headers)['event-id'])).size >= expected.length,
      60_000,
    );
    const check = checkStreamOrder(msgs, expected);
    console.info(
      `competing relays: ${msgs.length} records for ${expected.length} rows, ${check.duplicates} duplicates, claimers seen ${claimers.size}`,
    );
    expect(check.violations).toEqual([]);
    expect(check.missing).toEqual([]);
    // The race was real: more than one relay held claims on this outbox.
    expect([...claimers].filter((c) => owners.includes(c)).length).toBeGreaterThanOrEqual(2);
    for (const r of relays.slice(1)) r.proc.kill('SIGTERM');
    await Promise.all(relays.slice(1).map((r) => r.exited));
  });

  it.each(['relay.after-claim-before-send', 'relay.after-send-before-mark', 'relay.after-claim-commit'] as const)(
    'dies at %s, is restarted, and every row is published in order per stream',
    async (point) => {
      const { topic } = await freshTopics();
      const streams = Array.from({ length: 3 }, () => randomUUID());
      const expected: string[] = [];
      for (let v = 1; v <= 30; v++) expected.push(...(await insertRows(streams.map((s) => ({ streamId: s, version: v })))));
      const crashLog = join(mkdtempSync(join(tmpdir(), 'relay-crash-')), 'crashes.jsonl');
      const doomed = spawnRelay(topic, {
        RELAY_BATCH_SIZE: '10',
        // after-claim-commit is passed only while the claim before still has sends to make
        RELAY_CLAIM_BATCHES: point === 'relay.after-claim-commit' ? '3' : '1',
        FAULTLINE_CRASH_POINTS: `${point}:3`,
        FAULTLINE_CRASH_LOG: crashLog,
      });
      const exit = await doomed.exited;
      expect(exit.signal).toBe('SIGKILL');
      const crash = JSON.parse(readFileSync(crashLog, 'utf8').trim()) as { crashPoint: string; firstId?: number; lastId?: number };
      expect(crash.crashPoint).toBe(point);
      // It died holding claims: rows stamped with an owner whose process is gone.
      expect(await scalar('SELECT COUNT(*) FROM outbox WHERE claimed_by IS NOT NULL AND published_at IS NULL')).toBeGreaterThan(0);
      const unpublished = await scalar('SELECT COUNT(*) FROM outbox WHERE published_at IS NULL');
      expect(unpublished).toBeGreaterThan(0);

      const restarted = spawnRelay(topic, { RELAY_BATCH_SIZE: '10' });
      const t0 = Date.now();
      await waitFor(async () => (await scalar('SELECT COUNT(*) FROM outbox WHERE published_at IS NULL')) === 0, {
        timeoutMs: 60_000,
        what: 'outbox drained after restart',
      });
      // Taken over through the dead owner's free liveness lock, not after the 30 s lease.
      expect(Date.now() - t0).toBeLessThan(20_000);
      const msgs = await readTopic(
        testKafka('relay-crash'),
        topic,
        (m) => new Set(m.map((x) => headersAsText(x.headers)['event-id'])).size >= expected.length,
        30_000,
      );
      const check = checkStreamOrder(msgs, expected);
      expect(check.violations).toEqual([]);
      expect(check.missing).toEqual([]);
      if (point === 'relay.after-claim-commit') {
        restarted.proc.kill('SIGTERM');
        expect((await restarted.exited).code).toBe(0);
        return; // no batch of its own: the order and completeness checks above are the point
      }
      // The batch it died on: sent once if it died before the send; sent, then sent again by the
      // restarted relay (the inbox's job) if it died after the send, before the mark.
      const [died] = await schema.admin.query<RowDataPacket[]>('SELECT event_id FROM outbox WHERE id BETWEEN ? AND ?', [
        crash.firstId,
        crash.lastId,
      ]);
      const copies = (id: string) => msgs.filter((m) => headersAsText(m.headers)['event-id'] === id).length;
      expect(died.length).toBe(10);
      for (const r of died) expect(copies(String(r.event_id))).toBe(point === 'relay.after-send-before-mark' ? 2 : 1);
      restarted.proc.kill('SIGTERM');
      expect((await restarted.exited).code).toBe(0);
    },
  );
});
