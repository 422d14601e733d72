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

/**
 * A page and the total in ONE statement, so both come from one read view: two statements let a
 * write land between them and answer a total that the page contradicts. The count is a derived
 * table joined to the page, so an empty page still carries its total.
 */
export async function listUsers(
  pool: Pool,
  q: { page: number; pageSize: number; includeDeleted: boolean },
): Promise<{ items: UserView[]; total: number }> {
  const where = q.includeDeleted ? '' : 'WHERE DELETED = 0';
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT t.n AS TOTAL, p.*
       FROM (SELECT COUNT(*) AS n FROM USER_DATA ${where}) t
       LEFT JOIN (SELECT ${USER_COLUMNS} FROM USER_DATA ${where} ORDER BY ID_USER_DATA LIMIT ? OFFSET ?) p ON TRUE
      ORDER BY p.ID_USER_DATA`,
    [q.pageSize, (q.page - 1) * q.pageSize],
  );
  const items = rows.filter((r) => r.ID_USER_DATA !== null).map(toUser);
  return { items, total: Number(rows[0]?.TOTAL ?? 0) };
}

export interface PartitionStatus {
  groupId: string;
  topic: string;
  partition: number;
  lastAppliedOffset: number;
  highWatermark: number; // the live one when the projector reported it, else the one stored with the last apply
  lag: number; // records behind highWatermark
  stalledSince: string | null; // behind and not advancing since (the projector's own report)
  checkedAt: string | null; // when the projector last reported; null: never
  updatedAt: string;
}

export interface ProjectionStatus {
  partitions: PartitionStatus[];
  /** True when a partition is stalled, or the projector has not reported for REPORT_STALE_MS while behind. */
  stalled: boolean;
  reasons: string[];
  parked: number;
  parkedGaps: number;
  oldestParkedAgeSeconds: number;
  openDeadLetters: number;
}

/** The projector reports about every second: a report this old means it is not looking. */
export const REPORT_STALE_MS = 30_000;

export async function projectionStatus(pool: Pool): Promise<ProjectionStatus> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT c.group_id, c.topic, c.kafka_partition, c.last_offset, c.high_watermark, c.updated_at,
            h.next_offset, h.high_watermark AS live_hwm, h.stalled_since, h.checked_at,
            TIMESTAMPDIFF(MICROSECOND, h.checked_at, CURRENT_TIMESTAMP(6)) AS report_age_us
       FROM projection_checkpoint c
       LEFT JOIN projector_health h USING (group_id, topic, kafka_partition)
      ORDER BY c.group_id, c.topic, c.kafka_partition`,
  );
  const [counts] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS parked, COALESCE(SUM(reason = 'gap'), 0) AS gaps,
            COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(parked_at), CURRENT_TIMESTAMP(6)), 0) AS oldest_us,
            (SELECT COUNT(*) FROM dead_letters WHERE status = 'open') AS open_dl
       FROM parked_events WHERE released_at IS NULL`,
  );
  const reasons: string[] = [];
  const partitions = rows.map((r): PartitionStatus => {
    const last = Number(r.last_offset);
    const live = r.live_hwm === null ? null : Number(r.live_hwm);
    const hwm = Math.max(Number(r.high_watermark), live ?? 0);
    const lag = Math.max(0, hwm - last - 1);
    const where = `${String(r.topic)}/${Number(r.kafka_partition)}`;
    if (r.stalled_since !== null)
      reasons.push(`${where} stalled since ${(r.stalled_since as Date).toISOString()} with ${lag} record(s) behind`);
    else if (lag > 0 && r.report_age_us !== null && Number(r.report_age_us) / 1000 > REPORT_STALE_MS) {
      reasons.push(`${where}: ${lag} record(s) behind and no projector report for ${Math.round(Number(r.report_age_us) / 1e6)} s`);
    }
    return {
      groupId: String(r.group_id),
      topic: String(r.topic),
      partition: Number(r.kafka_partition),
      lastAppliedOffset: last,
      highWatermark: hwm,
      lag,
      stalledSince: r.stalled_since === null ? null : (r.stalled_since as Date).toISOString(),
      checkedAt: r.checked_at === null ? null : (r.checked_at as Date).toISOString(),
      updatedAt: (r.updated_at as Date).toISOString(),
    };
  });
  const c = counts[0];
  return {
    partitions,
    stalled: reasons.length > 0,
    reasons,
    parked: Number(c?.parked ?? 0),
    parkedGaps: Number(c?.gaps ?? 0),
    oldestParkedAgeSeconds: Number(c?.oldest_us ?? 0) / 1e6,
    openDeadLetters: Number(c?.open_dl ?? 0),
  };
}
