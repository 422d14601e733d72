// The workload's open-loop figures as one phrase, shared by the Markdown and HTML reports.
import type { ScenarioRunResult } from './types.ts';
/** The open-loop figures when the record has them: rate asked for and reached, ok share, skipped sends. */
export function openLoopText(w: NonNullable<ScenarioRunResult['workload']>): string {
  const parts: string[] = [];
  if (w.rate) parts.push(`${w.rate.achieved}/s sent of ${w.rate.target}/s asked`);
  if (w.okShare !== undefined) parts.push(`${Math.round(w.okShare * 1000) / 10} % ok`);
  if (w.skipped !== undefined) parts.push(`${w.skipped} skipped`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** A run's topology in words: '1 broker, 3 relays, 1 projector, 3 partitions'. */
export function topologyText(t: { brokers: number; relays: number; projectors: number; partitions: number }): string {
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  return [n(t.brokers, 'broker'), n(t.relays, 'relay'), n(t.projectors, 'projector'), n(t.partitions, 'partition')].join(', ');
}
