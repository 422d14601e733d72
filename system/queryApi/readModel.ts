// Reads of the query API over `queries` (SELECT-only user).
import type { RowDataPacket } from 'mysql2';
import type { Pool } from 'mysql2/promise';

export interface UserView {
  id: string;
  name: string;
  dateRegister: string;
  version: number; // stream version this answer reflects
  appliedCount: number;
  deleted: boolean;
  updatedAt: string;
}

const USER_COLUMNS = `ID_USER_DATA, NAME, DATE_FORMAT(DATE_REGISTER, '%Y-%m-%d') AS DATE_REGISTER, VERSION,
  APPLIED_COUNT, DELETED, UPDATED_AT`;

function toUser(r: RowDataPacket): UserView {
  return {
    id: String(r.ID_USER_DATA),
    name: String(r.NAME),
    dateRegister: String(r.DATE_REGISTER),
    version: Number(r.VERSION),
    appliedCount: Number(r.APPLIED_COUNT),
    deleted: Number(r.DELETED) === 1,
    updatedAt: (r.UPDATED_AT as Date).toISOString(),
  };
}

export async function getUser(pool: Pool, id: string): Promise<UserView | null> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${USER_COLUMNS} FROM USER_DATA WHERE ID_USER_DATA = ?`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(
  pool: Pool,
  q: { page: number; pageSize: number; includeDeleted: boolean },
): Promise<{ items: UserView[]; total: number }> {
  const where = q.includeDeleted ? '' : 'WHERE DELETED = 0';
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${USER_COLUMNS} FROM USER_DATA ${where} ORDER BY ID_USER_DATA LIMIT ? OFFSET ?`,
    [q.pageSize, (q.page - 1) * q.pageSize],
  );
  const [count] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM USER_DATA ${where}`);
  return { items: rows.map(toUser), total: Number(count[0]?.n ?? 0) };
}

export interface PartitionStatus {
  groupId: string;
  topic: string;
  partition: number;
  lastAppliedOffset: number;
  highWatermark: number;
  lag: number; // records behind the high watermark seen with the last applied one
  updatedAt: string;
}

export async function projectionStatus(pool: Pool): Promise<{ partitions: PartitionStatus[]; parked: number; openDeadLetters: number }> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT group_id, topic, kafka_partition, last_offset, high_watermark, updated_at
       FROM projection_checkpoint ORDER BY group_id, topic, kafka_partition`,
  );
  const [counts] = await pool.query<RowDataPacket[]>(
    `SELECT (SELECT COUNT(*) FROM parked_events WHERE released_at IS NULL) AS parked,
            (SELECT COUNT(*) FROM dead_letters WHERE status = 'open') AS open_dl`,
  );
  return {
    partitions: rows.map((r) => {
      const last = Number(r.last_offset);
      const hwm = Number(r.high_watermark);
      return {
        groupId: String(r.group_id),
        topic: String(r.topic),
        partition: Number(r.kafka_partition),
        lastAppliedOffset: last,
        highWatermark: hwm,
        lag: Math.max(0, hwm - last - 1),
        updatedAt: (r.updated_at as Date).toISOString(),
      };
    }),
    parked: Number(counts[0]?.parked ?? 0),
    openDeadLetters: Number(counts[0]?.open_dl ?? 0),
  };
}
