// Final reads after heal + quiesce: both databases (directly, as the admin user: the harness
// observes, it does not cross the proxies) and both topics, mapped into the checkers' input.
import mysql from 'mysql2/promise';
import type { FinalState } from '../record/types.ts';
import type { DbServer, EnvAddresses } from '../environment/types.ts';
import { readTopic } from './readTopic.ts';
import { appliedOf, deadLetterOf, parkedOf, parkLogOf, readUserOf, userRow, writeEventOf } from './rows.ts';
import { DLQ_TOPIC, TOPIC } from '../../system/shared/events.ts';

export async function connectAdmin(db: DbServer, o: { connectTimeoutMs?: number } = {}) {
  return mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.admin.user,
    password: db.admin.password,
    database: db.database,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: o.connectTimeoutMs ?? 5000,
  });
}

export async function readWriteSide(db: DbServer): Promise<FinalState['write']> {
  const conn = await connectAdmin(db);
  try {
    const [events] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, stream_id, stream_version, type, payload, occurred_at, causation_id FROM events ORDER BY seq',
    );
    const [users] = await conn.query<mysql.RowDataPacket[]>('SELECT ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED FROM USER_DATA');
    return {
      events: events.map(writeEventOf),
      users: users.map(userRow),
    };
  } finally {
    await conn.end();
  }
}

export async function readReadSide(db: DbServer): Promise<FinalState['read']> {
  const conn = await connectAdmin(db);
  try {
    const [users] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED FROM USER_DATA',
    );
    const [applied] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, stream_id, stream_version, kafka_partition, kafka_offset, applied_at, applied_by FROM applied_events ORDER BY id',
    );
    const [parked] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, stream_id, stream_version, kafka_partition, kafka_offset, reason FROM parked_events WHERE released_at IS NULL ORDER BY id',
    );
    const [parkLog] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, stream_id, stream_version, kafka_partition, kafka_offset, reason, parked_at, released_at, outcome FROM parked_events ORDER BY id',
    );
    const [deadLetters] = await conn.query<mysql.RowDataPacket[]>(
      `SELECT id, stream_id, event_id, stream_version, status, blocks_stream, created_at, resolved_at, topic, kafka_partition, kafka_offset,
              LENGTH(record_key) AS key_length, SHA2(record_key, 256) AS key_sha256,
              LENGTH(record_value) AS value_length, SHA2(record_value, 256) AS value_sha256, headers, topic_copy
         FROM dead_letters ORDER BY id`,
    );
    return {
      users: users.map(readUserOf),
      applied: applied.map(appliedOf),
      parked: parked.map(parkedOf),
      parkLog: parkLog.map(parkLogOf),
      deadLetters: deadLetters.map(deadLetterOf),
    };
  } finally {
    await conn.end();
  }
}

export async function readFinalState(env: EnvAddresses): Promise<FinalState> {
  const [write, read, events, dlq] = await Promise.all([
    readWriteSide(env.mariadb.commands),
    readReadSide(env.mariadb.queries),
    readTopic(env, TOPIC),
    readTopic(env, DLQ_TOPIC),
  ]);
  return { write, read, topics: { events, dlq } };
}
