// Reads of the query API over `queries` (SELECT-only user).
import type { RowDataPacket } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import type { Watermarks } from './watermarks.ts';

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
  /** The last offset whose effect the read model committed; null: none yet (never checkpointed). */
  lastAppliedOffset: number | null;
  /** The broker's live high watermark, read by the query API; null when the broker did not answer. */
  highWatermark: number | null;
  /** Records behind the live high watermark, or 'unknown' (then `lagUnknownReason` says why). */
  lag: number | 'unknown';
  lagUnknownReason: string | null;
  stalledSince: string | null; // behind and not advancing since (the projector's own report)
  checkedAt: string | null; // when the projector last reported; null: never
  /** How old the projector's last report is (ms); null: never reported. */
  reportAgeMs: number | null;
  updatedAt: string | null; // the checkpoint's last write; null: never checkpointed
}

export interface ProjectionStatus {
  /** Every partition of the topic (as the broker lists it, plus any the read model knows). */
  partitions: PartitionStatus[];
  /**
   * True when a partition is stalled (the projector's report), the projector's report is older
   * than its bound (whatever lag it last had), a partition is behind with no report at all, or the
   * lag cannot be known. `reasons` says which.
   */
  stalled: boolean;
  reasons: string[];
  /** The sum of the partitions' lag, or 'unknown'. */
  lag: number | 'unknown';
  reportMaxAgeMs: number;
  parked: number;
  parkedGaps: number;
  oldestParkedAgeSeconds: number;
  openDeadLetters: number;
}

export interface StatusOptions {
  groupId: string;
  topic: string;
  /** A projector report older than this is flagged. */
  reportMaxAgeMs: number;
  /** The topic's live high watermarks (watermarks.ts). */
  watermarks: () => Promise<Watermarks>;
}

export async function projectionStatus(pool: Pool, o: StatusOptions): Promise<ProjectionStatus> {
  const ends = o.watermarks();
  const [checkpoints] = await pool.query<RowDataPacket[]>(
    `SELECT kafka_partition, last_offset, updated_at FROM projection_checkpoint WHERE group_id = ? AND topic = ?`,
    [o.groupId, o.topic],
  );
  const [reports] = await pool.query<RowDataPacket[]>(
    `SELECT kafka_partition, stalled_since, checked_at, TIMESTAMPDIFF(MICROSECOND, checked_at, CURRENT_TIMESTAMP(6)) AS report_age_us
       FROM projector_health WHERE group_id = ? AND topic = ?`,
    [o.groupId, o.topic],
  );
  const [counts] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS parked, COALESCE(SUM(reason = 'gap'), 0) AS gaps,
            COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(parked_at), CURRENT_TIMESTAMP(6)), 0) AS oldest_us,
            (SELECT COUNT(*) FROM dead_letters WHERE status = 'open') AS open_dl
       FROM parked_events WHERE released_at IS NULL`,
  );
  const live = await ends;
  const checkpointOf = new Map(checkpoints.map((r) => [Number(r.kafka_partition), r]));
  const reportOf = new Map(reports.map((r) => [Number(r.kafka_partition), r]));
  const endsOf = new Map(live.ok ? live.partitions.map((p) => [p.partition, p]) : []);
  const all = [...new Set([...endsOf.keys(), ...checkpointOf.keys(), ...reportOf.keys()])].sort((a, b) => a - b);

  const reasons: string[] = [];
  if (!live.ok) reasons.push(`lag unknown: ${live.reason}`);
  const partitions = all.map((partition): PartitionStatus => {
    const c = checkpointOf.get(partition);
    const h = reportOf.get(partition);
    const e = endsOf.get(partition);
    const where = `${o.topic}/${partition}`;
    const last = c ? Number(c.last_offset) : null;
    // The next offset to handle: after the last applied one, or the log's start when none was.
    const next = Math.max(last === null ? -1 : last + 1, e ? Number(e.low) : 0);
    const lag: number | 'unknown' = e ? Math.max(0, Number(e.high) - next) : 'unknown';
    const lagUnknownReason = e ? null : live.ok ? `the broker did not list ${where}` : live.reason;
    if (live.ok && !e) reasons.push(`lag unknown: ${lagUnknownReason}`);
    const reportAgeMs = h && h.report_age_us !== null ? Math.max(0, Math.round(Number(h.report_age_us) / 1000)) : null;
    const behind = lag === 'unknown' ? 'an unknown number of' : String(lag);
    if (h?.stalled_since != null) {
      reasons.push(`${where} stalled since ${(h.stalled_since as Date).toISOString()} with ${behind} record(s) behind`);
    } else if (reportAgeMs !== null && reportAgeMs > o.reportMaxAgeMs) {
      reasons.push(
        `${where}: no projector report for ${Math.round(reportAgeMs / 1000)} s (bound ${o.reportMaxAgeMs} ms), ${behind} record(s) behind`,
      );
    } else if (reportAgeMs === null && lag !== 0 && lag !== 'unknown') {
      reasons.push(`${where}: ${lag} record(s) behind and the projector has never reported`);
    }
    return {
      groupId: o.groupId,
      topic: o.topic,
      partition,
      lastAppliedOffset: last,
      highWatermark: e ? Number(e.high) : null,
      lag,
      lagUnknownReason,
      stalledSince: h?.stalled_since != null ? (h.stalled_since as Date).toISOString() : null,
      checkedAt: h?.checked_at != null ? (h.checked_at as Date).toISOString() : null,
      reportAgeMs,
      updatedAt: c ? (c.updated_at as Date).toISOString() : null,
    };
  });
  const total = partitions.some((p) => p.lag === 'unknown') || !live.ok ? 'unknown' : partitions.reduce((n, p) => n + (p.lag as number), 0);
  const k = counts[0];
  return {
    partitions,
    stalled: reasons.length > 0,
    reasons,
    lag: total,
    reportMaxAgeMs: o.reportMaxAgeMs,
    parked: Number(k?.parked ?? 0),
    parkedGaps: Number(k?.gaps ?? 0),
    oldestParkedAgeSeconds: Number(k?.oldest_us ?? 0) / 1e6,
    openDeadLetters: Number(k?.open_dl ?? 0),
  };
}
