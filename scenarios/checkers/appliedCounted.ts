// A projector's own count of what it applied, against the rows it wrote. Its counters
// (applied, released from parking, applied again without an inbox) count every event it applied,
// since it started; the read model's applied log names the process that wrote each row
// (applied_by, `projector#2/4711`), which the process exports as the label of its identity gauge.
// Once the read model stands still, the two must agree: a counter that says otherwise misleads
// whoever watches the projection.
import type { Anomaly, AppliedEventRow, MetricSample } from './types.ts';

const COUNTERS = ['faultline_projector_applied_total', 'faultline_projector_released_total', 'faultline_projector_reapplied_total'];

const IDENTITY = /^faultline_projector_identity\{applied_by="([^"]*)"\}$/;

const sum = (values: Readonly<Record<string, number>>, name: string) =>
  Object.entries(values).reduce((n, [k, v]) => (k === name || k.startsWith(`${name}{`) ? n + v : n), 0);

/** One anomaly per projector process whose final counters differ from the rows it wrote. */
export function appliedMiscounted(samples: readonly MetricSample[], applied: readonly AppliedEventRow[]): Anomaly[] {
  const last = samples.findLast((s) => s.final);
  if (!last) return [];
  const out: Anomaly[] = [];
  for (const [target, values] of Object.entries(last.metrics)) {
    const appliedBy = Object.keys(values ?? {})
      .map((k) => IDENTITY.exec(k)?.[1])
      .find(Boolean);
    if (!target.startsWith('projector') || values === undefined || appliedBy === undefined) continue;
    const counted = COUNTERS.reduce((n, c) => n + sum(values, c), 0);
    const rows = applied.filter((a) => a.appliedBy === appliedBy).length;
    if (counted === rows) continue;
    out.push({
      name: 'telemetry-lied',
      message: `${target} (${appliedBy}) counted ${counted} events applied (applied + released + reapplied) once the read model stood still, but wrote ${rows} applied_events rows`,
      data: { process: target, appliedBy, counted, rows },
    });
  }
  return out;
}
