// Prometheus text exposition, as the samplers store it and the felt checks and timelines read it.

export type MetricValues = Record<string, number>; // `name{label="v",…}` → value

/** Parses Prometheus text exposition into `name{labels}` → value (labels as printed). */
export function parsePrometheus(text: string): MetricValues {
  const out: MetricValues = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^\s{]+(?:\{.*\})?)\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (!Number.isNaN(v)) out[m[1]!] = v;
  }
  return out;
}

/** Sum of a metric over all its label sets (`name` or `name{…}`). */
export function metricSum(values: MetricValues | undefined, name: string): number {
  if (!values) return 0;
  let sum = 0;
  for (const [k, v] of Object.entries(values)) if (k === name || k.startsWith(`${name}{`)) sum += v;
  return sum;
}
