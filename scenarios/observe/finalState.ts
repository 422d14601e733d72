// Final reads after heal + quiesce: both databases (directly, as the admin user: the harness
// observes, it does not cross the proxies) and both topics, mapped into the checkers' input.
import mysql from 'mysql2/promise';
import type { UserDataRow } from '../checkers/types.ts';
import type { FinalState } from '../record/types.ts';
import type { DbServer, EnvAddresses } from '../environment/types.ts';
import { readTopic } from './readTopic.ts';
import { DLQ_TOPIC, TOPIC } from '../../system/shared/events.ts';

export async function connectAdmin(db: DbServer) {
  return mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.admin.user,
    password: db.admin.password,
    database: db.database,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 5000,
  });
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

export async function readWriteSide(db: DbServer): Promise<FinalState['write']> {
  const conn = await connectAdmin(db);
  try {
    const [events] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, stream_id, stream_version, type, payload, occurred_at, causation_id FROM events ORDER BY seq',
    );
    const [users] = await conn.query<mysql.RowDataPacket[]>('SELECT ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED FROM USER_DATA');
    return {
      events: events.map((r: Row) => ({
        eventId: String(r.event_id),
        streamId: String(r.stream_id),
        streamVersion: Number(r.stream_version),
        type: String(r.type),
        payload: json(r.payload),
        occurredAt: iso(r.occurred_at),
        causationId: String(r.causation_id),
      })),
      users: users.map(userRow),
    };
  } finally {
    await conn.end();
  }
}

function userRow(r: Row): UserDataRow {
  return {
    idUserData: String(r.ID_USER_DATA),
    name: String(r.NAME),
    dateRegister: iso(r.DATE_REGISTER),
    version: Number(r.VERSION),
    deleted: Number(r.DELETED) === 1,
  };
}

export async function readReadSide(db: DbServer): Promise<FinalState['read']> {
  const conn = await connectAdmin(db);
  try {
    const [users] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED FROM USER_DATA',
    );
    const [applied] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, stream_id, stream_version, kafka_partition, kafka_offset, applied_at FROM applied_events ORDER BY id',
    );
    const [parked] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, stream_id, stream_version, kafka_partition, kafka_offset, reason FROM parked_events WHERE released_at IS NULL ORDER BY id',
    );
    return {
      users: users.map((r: Row) => ({ ...userRow(r), appliedCount: Number(r.APPLIED_COUNT) })),
      applied: applied.map((r: Row) => ({
        eventId: String(r.event_id),
        streamId: String(r.stream_id),
        streamVersion: Number(r.stream_version),
        partition: Number(r.kafka_partition ?? -1),
        offset: String(r.kafka_offset ?? ''),
        appliedAt: iso(r.applied_at),
      })),
      parked: parked.map((r: Row) => ({
        eventId: String(r.event_id),
        streamId: String(r.stream_id),
        streamVersion: Number(r.stream_version),
        partition: r.kafka_partition == null ? undefined : Number(r.kafka_partition),
        offset: r.kafka_offset == null ? undefined : String(r.kafka_offset),
        reason: String(r.reason),
      })),
    };
  } finally {
    await conn.end();
  }
}

export async function readFinalState(env: EnvAddresses): Promise<FinalState> {
  const [write, read, events, dlq] = await Promise.all([
    readWriteSide(env.mariadb.commands),
    readReadSide(env.mariadb.queries),
    readTopic(env.kafka.internal, TOPIC),
    readTopic(env.kafka.internal, DLQ_TOPIC),
  ]);
  return { write, read, topics: { events, dlq } };
}
