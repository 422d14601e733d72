// The labels a process's metrics carry, against the contract (fixtures/metric-contract.json).
// Dashboards and alerts select series by label: a count made without its label, or under a value
// outside its set, is one an operator's query never sees, so it is telemetry that lies.
import type { Anomaly, MetricContract, MetricLabelContract, MetricSample } from './types.ts';

/** `name{a="x",b="y"}` → name and labels (Prometheus text escapes: \\, \" and \n). */
export function parseSeries(series: string): { name: string; labels: Record<string, string> } | undefined {
  const brace = series.indexOf('{');
  if (brace < 0) return { name: series, labels: {} };
  if (!series.endsWith('}')) return undefined;
  const labels: Record<string, string> = {};
  const body = series.slice(brace + 1, -1);
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const m = re.exec(body);
    if (!m) return undefined;
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    at = re.lastIndex;
  }
  return { name: series.slice(0, brace), labels };
}

const anchored = (pattern: string) => new RegExp(`^(?:${pattern})$`, 'u');

/** The contract entry a series belongs to, and the labels the contract judges (a bucket's `le` is not). */
function entryOf(contract: MetricContract, name: string, labels: Record<string, string>) {
  const plain = contract[name];
  if (plain && !plain.histogram) return { metric: name, entry: plain, labels };
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const h = m ? contract[m[1]!] : undefined;
  if (!m || !h?.histogram) return undefined;
  if (m[2] !== 'bucket') return { metric: m[1]!, entry: h, labels };
  const { le: _le, ...rest } = labels;
  return { metric: m[1]!, entry: h, labels: rest };
}

/** What is wrong with one series' labels, or undefined. */
export function labelProblem(entry: MetricLabelContract, labels: Record<string, string>): string | undefined {
  const declared = Object.keys(entry.labels);
  const missing = declared.filter((l) => labels[l] === undefined);
  if (missing.length) return `without its label${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  const extra = Object.keys(labels).filter((l) => !declared.includes(l));
  if (extra.length) return `with undeclared label${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`;
  for (const l of declared)
    if (!anchored(entry.labels[l]!).test(labels[l]!)) return `with ${l}=${JSON.stringify(labels[l])}, not one of /${entry.labels[l]}/`;
  for (const rule of entry.rules ?? []) {
    const applies = Object.entries(rule.if).every(([l, p]) => labels[l] !== undefined && anchored(p).test(labels[l]!));
    if (!applies) continue;
    for (const [l, p] of Object.entries(rule.then))
      if (labels[l] === undefined || !anchored(p).test(labels[l]!))
        return `with ${l}=${JSON.stringify(labels[l] ?? null)} beside ${Object.keys(rule.if)
          .map((k) => `${k}=${JSON.stringify(labels[k])}`)
          .join(', ')}, which requires /${p}/`;
  }
  return undefined;
}

/** One anomaly per process and series that breaks the contract, at the first sample showing it. */
export function checkMetricLabels(samples: readonly MetricSample[], contract: MetricContract): Anomaly[] {
  const seen = new Set<string>();
  const out: Anomaly[] = [];
  for (const s of samples)
    for (const [process, values] of Object.entries(s.metrics)) {
      for (const series of Object.keys(values ?? {})) {
        const key = `${process} ${series}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const parsed = parseSeries(series);
        const found = parsed && entryOf(contract, parsed.name, parsed.labels);
        const problem = found && labelProblem(found.entry, found.labels);
        if (!found || !problem) continue;
        out.push({
          name: 'telemetry-lied',
          message: `${process} exported ${series} at ${Math.round(s.ms)} ms: ${found.metric} counted ${problem} (fixtures/metric-contract.json); a query by label never sees it`,
          data: { process, series, metric: found.metric, problem, atMs: s.ms },
        });
      }
    }
  return out;
}
