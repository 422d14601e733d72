// The per-stream timeline as an inline SVG swimlane (one lane per stage, a dot per event, fault
// windows shaded) and a table of the stream's events. Drawn here, not in the browser: no script needed.
import type { FaultBand } from '../timeline.ts';
import { esc } from './escape.ts';
import { LANES, type Lane, type StreamTimeline } from './streamTimeline.ts';

const COLOR: Record<Lane, string> = {
  command: '#555',
  written: '#1f6fb2',
  published: '#7a4fb5',
  applied: '#2e8540',
  duplicated: '#d9822b',
  'dead-lettered': '#8a6d00',
  lost: '#c62828',
};
const W = 900;
const LEFT = 110;
const LANE_H = 24;

export function streamSvg(st: StreamTimeline, faults: readonly FaultBand[]): string {
  const lanes = LANES.filter((l) => st.marks.some((m) => m.lane === l));
  const timed = st.marks.filter((m) => m.ms !== null);
  const h = LANE_H * Math.max(1, lanes.length) + 24;
  if (timed.length === 0) return `<p class="muted">No timed events for this stream.</p>`;
  const lo = Math.min(...timed.map((m) => m.ms!), ...faults.map((f) => f.startS * 1000));
  const hi = Math.max(...timed.map((m) => m.ms!), ...faults.map((f) => (f.stopS ?? f.startS) * 1000), lo + 1); // faults in view: cause beside effect
  const x = (ms: number) => LEFT + ((ms - lo) / (hi - lo)) * (W - LEFT - 20);
  const bands = faults.map((f) => {
    const a = x(Math.max(lo, f.startS * 1000));
    const b = x(Math.min(hi, f.stopS === null ? hi : f.stopS * 1000));
    return b > a
      ? `<rect class="fault" x="${a.toFixed(1)}" y="0" width="${(b - a).toFixed(1)}" height="${h - 20}"><title>${esc(f.label)}</title></rect>`
      : '';
  });
  const rows = lanes.map(
    (l, i) =>
      `<text x="4" y="${i * LANE_H + 16}" class="lane">${esc(l)}</text><line x1="${LEFT}" x2="${W - 10}" y1="${i * LANE_H + 12}" y2="${i * LANE_H + 12}" class="grid"/>`,
  );
  const dots = timed.map((m) => {
    const cy = lanes.indexOf(m.lane) * LANE_H + 12;
    const cx = x(m.ms!).toFixed(1);
    const shape =
      m.lane === 'lost'
        ? `<path d="M${+cx - 5} ${cy - 5}l10 10m0 -10l-10 10" stroke="${COLOR.lost}" stroke-width="2.5"/>`
        : `<circle cx="${cx}" cy="${cy}" r="5" fill="${COLOR[m.lane]}"/>`;
    return `<g class="mark" data-lane="${esc(m.lane)}">${shape}<title>${esc(`${m.lane}${m.version !== null ? ` v${m.version}` : ''} at ${(m.ms! / 1000).toFixed(3)} s: ${m.note}`)}</title></g>`;
  });
  const axis = `<text x="${LEFT}" y="${h - 4}" class="axis">${(lo / 1000).toFixed(2)} s</text><text x="${W - 10}" y="${h - 4}" class="axis" text-anchor="end">${(hi / 1000).toFixed(2)} s</text>`;
  return `<svg class="stream" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="timeline of stream ${esc(st.streamId)}">${bands.join('')}${rows.join('')}${dots.join('')}${axis}</svg>`;
}

const yn = (v: boolean | number | null) => (v === null ? '?' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

export function streamTable(st: StreamTimeline): string {
  const body = st.rows.map(
    (r) =>
      `<tr class="state-${r.state}"><td>${r.version ?? '?'}</td><td><code>${esc(r.eventId ?? '—')}</code></td><td>${esc(r.ops.join('; ') || '—')}</td><td>${yn(r.written)}</td><td>${yn(r.published)}</td><td>${yn(r.applied)}</td><td>${yn(r.deadLettered)}</td><td>${esc(r.state)}</td></tr>`,
  );
  return `<table class="events"><thead><tr><th>version</th><th>event id</th><th>acked by</th><th>written</th><th>published</th><th>applied</th><th>dead-lettered</th><th>state</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}
