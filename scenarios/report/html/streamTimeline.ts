// Per-stream timeline for a stream an anomaly names: what happened to each of its events, from the
// history (commands sent and acked), the saved final state when there is one (written, published,
// applied, dead-lettered), and else the anomaly records' own data. Pure.
import type { Anomaly } from '../../checkers/types.ts';
import { toOperations } from '../../history/reader.ts';
import type { CommandOp, HistoryEntry } from '../../history/types.ts';
import type { FinalState } from '../../record/types.ts';
import { HEADERS } from '../../../system/shared/events.ts';

export const LANES = ['command', 'written', 'published', 'applied', 'duplicated', 'dead-lettered', 'lost'] as const;
export type Lane = (typeof LANES)[number];

export interface StreamMark {
  lane: Lane;
  ms: number | null; // history clock; null: happened, time unknown
  version: number | null;
  note: string;
}

export interface StreamEventRow {
  version: number | null;
  eventId: string | null;
  ops: string[]; // "op 3 rename ok"
  written: boolean | null; // null: not known (no final state)
  published: number | null; // times on the topic
  applied: number | null; // rows in the applied log
  deadLettered: boolean | null;
  state: 'ok' | 'duplicated' | 'lost' | 'dead-lettered' | 'unknown';
}

export interface StreamTimeline {
  streamId: string;
  anomalies: { name: string; message: string }[];
  marks: StreamMark[];
  rows: StreamEventRow[];
  source: 'final-state' | 'anomalies'; // where written/published/applied came from
}

/** History ms of a wall-clock time: ISO, MariaDB `YYYY-MM-DD HH:MM:SS.ffffff` (UTC), or epoch ms as a string. */
export function wallToMs(entries: readonly HistoryEntry[]): (wall: string | undefined | null) => number | null {
  const anchor = entries[0];
  const offset = anchor ? Date.parse(anchor.t.wall) - anchor.t.ms : NaN;
  return (wall) => {
    if (wall == null || !Number.isFinite(offset)) return null;
    let t: number;
    if (/^\d{10,}$/.test(wall)) t = Number(wall);
    else {
      const iso = wall.includes('T') ? wall : `${wall.replace(' ', 'T').replace(/(\.\d{3})\d*/, '$1')}Z`;
      t = Date.parse(iso);
    }
    return Number.isFinite(t) ? Math.round((t - offset) * 1000) / 1000 : null;
  };
}

function opLabel(o: CommandOp): string {
  return `op ${o.id} ${o.kind} ${o.outcome}${o.version !== undefined ? ` v${o.version}` : ''}`;
}

/** The stream's rows by event id (or by version until the id is known), made on first sight. */
function rowIndex() {
  const rows = new Map<string, StreamEventRow>();
  const rowOf = (eventId: string | null | undefined, version: number | null | undefined): StreamEventRow => {
    const key = eventId ?? `v${version ?? '?'}`;
    const byVersion = eventId && version != null ? rows.get(`v${version}`) : undefined;
    if (byVersion && byVersion.eventId === null) {
      // learnt the id of a row first seen by version
      rows.delete(`v${version}`);
      byVersion.eventId = eventId!;
      rows.set(key, byVersion);
    }
    // only a version known (e.g. a diverged record): the row of that version, whatever its id
    let r = rows.get(key) ?? (eventId ? undefined : [...rows.values()].find((x) => x.version === version && version != null));
    if (!r) {
      r = {
        version: version ?? null,
        eventId: eventId ?? null,
        ops: [],
        written: null,
        published: null,
        applied: null,
        deadLettered: null,
        state: 'unknown',
      };
      rows.set(key, r);
    }
    if (r.version === null && version != null) r.version = version;
    return r;
  };

  return { rows, rowOf };
}

/** What the final state shows of the stream: written, published, applied, dead-lettered. */
function finalStateMarks(
  final: FinalState,
  streamId: string,
  rows: Map<string, StreamEventRow>,
  rowOf: ReturnType<typeof rowIndex>['rowOf'],
  marks: StreamMark[],
  toMs: ReturnType<typeof wallToMs>,
): void {
  for (const e of final.write.events.filter((e) => e.streamId === streamId)) {
    rowOf(e.eventId, e.streamVersion).written = true;
    marks.push({ lane: 'written', ms: toMs(e.occurredAt), version: e.streamVersion, note: `v${e.streamVersion} ${e.type}` });
  }
  for (const t of final.topics.events.filter((t) => t.key === streamId)) {
    const v = Number(t.headers[HEADERS.streamVersion] ?? NaN);
    const r = rowOf(t.headers[HEADERS.eventId], Number.isFinite(v) ? v : null);
    r.published = (r.published ?? 0) + 1;
    marks.push({ lane: 'published', ms: toMs(t.timestamp), version: r.version, note: `p${t.partition}@${t.offset}` });
  }
  const seen = new Set<string>();
  for (const a of final.read.applied.filter((a) => a.streamId === streamId)) {
    const r = rowOf(a.eventId, a.streamVersion);
    r.applied = (r.applied ?? 0) + 1;
    marks.push({
      lane: seen.has(a.eventId) ? 'duplicated' : 'applied',
      ms: toMs(a.appliedAt),
      version: a.streamVersion,
      note: `p${a.partition}@${a.offset}`,
    });
    seen.add(a.eventId);
  }
  for (const d of final.topics.dlq.filter((d) => d.key === streamId)) {
    const v = Number(d.headers[HEADERS.streamVersion] ?? NaN);
    rowOf(d.headers[HEADERS.eventId], Number.isFinite(v) ? v : null).deadLettered = true;
    marks.push({ lane: 'dead-lettered', ms: toMs(d.timestamp), version: Number.isFinite(v) ? v : null, note: 'dead-lettered' });
  }
  for (const r of rows.values()) {
    r.written ??= false;
    r.published ??= 0;
    r.applied ??= 0;
    r.deadLettered ??= false;
  }
}

export function buildStreamTimeline(
  streamId: string,
  entries: readonly HistoryEntry[],
  anomalies: readonly Anomaly[],
  final?: FinalState,
): StreamTimeline {
  const toMs = wallToMs(entries);
  const ops = toOperations(entries).filter((o) => o.userId === streamId);
  const mine = anomalies.filter((a) => a.streamId === streamId);
  const marks: StreamMark[] = [];
  const { rows, rowOf } = rowIndex();
  for (const o of ops) {
    marks.push({ lane: 'command', ms: o.complete?.ms ?? o.invoke.ms, version: o.version ?? null, note: opLabel(o) });
    if (o.outcome === 'ok') rowOf(o.eventId, o.version).ops.push(opLabel(o));
  }

  if (final) finalStateMarks(final, streamId, rows, rowOf, marks, toMs);

  const byId = new Map(ops.map((o) => [o.id, o]));
  for (const a of mine) anomalyMarks(a.op ? { ...a, op: byId.get(a.op.id) ?? a.op } : a, rowOf, marks, toMs);
  for (const r of rows.values()) r.state = stateOf(r, mine);
  const sorted = [...rows.values()].sort((a, b) => (a.version ?? Infinity) - (b.version ?? Infinity));
  return {
    streamId,
    anomalies: mine.map((a) => ({ name: a.name, message: a.message })),
    marks: marks.sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity)),
    rows: sorted,
    source: final ? 'final-state' : 'anomalies',
  };
}

type RowOf = (eventId: string | null | undefined, version: number | null | undefined) => StreamEventRow;

/** What an anomaly record itself tells about the stream (used with or without a final state). */
function anomalyMarks(a: Anomaly, rowOf: RowOf, marks: StreamMark[], toMs: (w: string | undefined | null) => number | null): void {
  const data = a.data ?? {};
  const version = a.versions?.[0] ?? a.op?.version ?? null;
  if (a.name === 'lost') {
    rowOf(a.eventId, version);
    // drawn at the ack: from then on the client was told the command took effect
    marks.push({ lane: 'lost', ms: a.op?.complete?.ms ?? null, version, note: `lost: ${String(data.stage ?? '')}` });
  } else if (a.name === 'duplicated' && Array.isArray(data.at)) {
    const r = rowOf(a.eventId, version);
    const at = data.at as { appliedAt?: string; partition?: number; offset?: string }[];
    if (r.applied === null) {
      // no final state: the anomaly's evidence is the applied log
      r.applied = at.length;
      at.forEach((x, i) =>
        marks.push({ lane: i === 0 ? 'applied' : 'duplicated', ms: toMs(x.appliedAt), version, note: `p${x.partition}@${x.offset}` }),
      );
    }
  } else if (a.name === 'misrouted') {
    const r = rowOf(a.eventId, version);
    if (r.deadLettered === null) {
      r.deadLettered = true;
      marks.push({ lane: 'dead-lettered', ms: toMs(data.deadLetteredAt as string | undefined), version, note: 'misrouted' });
    }
  } else if (a.eventId || version !== null) {
    rowOf(a.eventId, version);
  }
}

function stateOf(r: StreamEventRow, anomalies: readonly Anomaly[]): StreamEventRow['state'] {
  const named = (n: string) =>
    anomalies.some(
      (a) => a.name === n && ((r.eventId && a.eventId === r.eventId) || (r.version !== null && a.versions?.includes(r.version))),
    );
  if (named('lost')) return 'lost';
  if (named('duplicated') || (r.applied ?? 0) > 1) return 'duplicated';
  if (r.deadLettered) return 'dead-lettered';
  if (r.applied === 1) return 'ok';
  return 'unknown';
}

/** Streams anomalies name, in first-seen order, at most `max`. */
export function anomalousStreams(anomalies: readonly Anomaly[], max = 8): string[] {
  return [...new Set(anomalies.flatMap((a) => (a.streamId ? [a.streamId] : [])))].slice(0, max);
}
