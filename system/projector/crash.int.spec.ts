// Each consume mode under a crash (SIGKILL) at a named crash point of the real projector process,
// restarted afterwards. One record per chunk, so the armed pass N is record N:
// - `projector.after-db-commit-before-offset-commit` (read model committed, offset not):
//   effectively-once applies everything once, at-least-once applies the crashed record twice;
// - `projector.mid-run` (run written, transaction not committed): nothing of it is applied, so
//   effectively-once and at-least-once apply it once after the restart, and at-most-once, whose
//   offset was committed first, loses it (and parks the next version as a gap: the loss is visible).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterAll, describe, expect, it } from 'vitest';
import type { CrashPointName } from '../shared/crashPoints.ts';
import type { ConsumeMode } from './decide.ts';
import {
  asRecord,
  dropTopics,
  envelope,
  freshSchema,
  freshTopics,
  kafkaSettings,
  produce,
  servers,
  testKafka,
  type TestSchema,
  uniqueName,
  waitFor,
} from '../testing/intSupport.ts';

const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
  await dropTopics();
});

function startProjector(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'system/projector/main.ts'], {
    env: { ...process.env, HTTP_PORT: '0', LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function scenario(mode: ConsumeMode, crashAt: CrashPointName) {
  const schema = await freshSchema('queries');
  schemas.push(schema);
  const { topic, dlqTopic } = await freshTopics();
  const id = randomUUID();
  const events = [
    envelope(id, 1, 'UserRegistered', { name: 'one', dateRegister: '2026-11-28' }),
    envelope(id, 2, 'UserRenamed', { name: 'two' }),
    envelope(id, 3, 'UserRenamed', { name: 'three' }),
  ];
  await produce(testKafka(), topic, events.map(asRecord));
  const env = {
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    ...kafkaSettings(),
    QUERIES_DB_URL: schema.roleUrl('projector'),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: dlqTopic,
    KAFKA_GROUP_ID: uniqueName('it-crash'),
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    CONSUME_MODE: mode,
    PROJECTOR_BATCH_MAX_RECORDS: '1',
  };
  const first = startProjector({ ...env, FAULTLINE_CRASH_POINTS: `${crashAt}:2` });
  const [code, signal] = (await once(first, 'exit')) as [number | null, string | null];
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

  const second = startProjector(env);
  try {
    const q = async <T extends RowDataPacket>(sql: string) => (await schema.admin.query<T[]>(sql, [id]))[0];
    await waitFor(
      async () =>
        (await q('SELECT 1 FROM applied_events WHERE stream_id = ? AND stream_version = 3')).length > 0 ||
        (await q('SELECT 1 FROM parked_events WHERE stream_id = ? AND stream_version = 3')).length > 0,
      { timeoutMs: 60_000, what: `${mode}: record 3 handled after the restart` },
    );
    const applied = (await q('SELECT stream_version AS v FROM applied_events WHERE stream_id = ? ORDER BY id')).map((r) => Number(r.v));
    const [user] = await q('SELECT VERSION, APPLIED_COUNT FROM USER_DATA WHERE ID_USER_DATA = ?');
    const parked = (await q('SELECT stream_version AS v, reason FROM parked_events WHERE stream_id = ? AND released_at IS NULL')).map(
      (r) => [Number(r.v), r.reason],
    );
    return { applied, version: Number(user?.VERSION), count: Number(user?.APPLIED_COUNT), parked };
  } finally {
    second.kill('SIGTERM');
    await once(second, 'exit');
  }
}

const AFTER_COMMIT = 'projector.after-db-commit-before-offset-commit';

describe('consume modes under a crash between the read-model commit and the offset commit', () => {
  it('effectively-once: every event applied exactly once', async () => {
    expect(await scenario('effectively-once', AFTER_COMMIT)).toEqual({ applied: [1, 2, 3], version: 3, count: 3, parked: [] });
  });

  it('at-least-once: the crashed record is applied twice (a visible duplicate), nothing lost', async () => {
    expect(await scenario('at-least-once', AFTER_COMMIT)).toEqual({ applied: [1, 2, 2, 3], version: 3, count: 4, parked: [] });
  });
});

describe('consume modes under a crash part-way through a run, before its transaction commits', () => {
  it('effectively-once: the run is applied once after the restart', async () => {
    expect(await scenario('effectively-once', 'projector.mid-run')).toEqual({ applied: [1, 2, 3], version: 3, count: 3, parked: [] });
  });

  it('at-most-once: the crashed record is lost; the next version waits as a gap', async () => {
    expect(await scenario('at-most-once', 'projector.mid-run')).toEqual({ applied: [1], version: 1, count: 1, parked: [[3, 'gap']] });
  });
});
