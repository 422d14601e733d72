// Per client and side: the runs' median and spread, as bench figures (each candidate against
// kafkajs, the client the system uses, measured in the same run) and as report lines. Pure.
import { figure, formatRatio, ratio, type Figure } from '../goals.ts';
import { round } from '../stats.ts';
import type { ClientName } from './clientApi.ts';
import type { InstallOutcome } from './install.ts';

export type Side = 'produce' | 'consume';
export const SIDES: readonly Side[] = ['produce', 'consume'];

export interface RunSummary {
  runs: number;
  median: number;
  min: number;
  max: number;
  /** (max − min) / median, in percent. */
  spreadPct: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarizeRuns(values: readonly number[]): RunSummary {
  const m = median(values);
  const min = values.length ? Math.min(...values) : Number.NaN;
  const max = values.length ? Math.max(...values) : Number.NaN;
  return { runs: values.length, median: m, min, max, spreadPct: m > 0 ? ((max - min) / m) * 100 : Number.NaN };
}

export interface ClientOutcome {
  name: ClientName;
  install: InstallOutcome;
  /** records/s of each run, in run order. */
  rates: Record<Side, number[]>;
  /** Runs that failed, with why. */
  errors: string[];
  guarantees?: { produce: string; consume: string };
}

const BASELINE: ClientName = 'kafkajs';

function spreadNote(s: RunSummary): string {
  return `median of ${s.runs}; min ${round(s.min)}, max ${round(s.max)}, spread ${s.spreadPct.toFixed(1)} %`;
}

/** One figure per client and side, the candidates against kafkajs; a client with no run is a figure with its error. */
export function clientFigures(outcomes: readonly ClientOutcome[]): Figure[] {
  const base = outcomes.find((o) => o.name === BASELINE);
  return SIDES.flatMap((side) =>
    outcomes.map((o) => {
      const s = summarizeRuns(o.rates[side]);
      const b = base && o.name !== BASELINE ? summarizeRuns(base.rates[side]) : undefined;
      const why = o.install.error ?? o.errors[0];
      return figure({
        name: `clients ${side}: ${o.name}`,
        value: s.median,
        unit: 'records/s',
        ...(b && b.runs > 0 ? { baseline: { name: `${BASELINE}, same run`, value: b.median } } : {}),
        note: s.runs > 0 ? spreadNote(s) : `not measured: ${why ?? 'no run'}`,
      });
    }),
  );
}

function installLine(o: ClientOutcome): string {
  const i = o.install;
  const what = `${o.name} ${i.pkg}@${i.version}`;
  if (i.build === 'project dependency') return `${what}: the project's own dependency, not installed by the phase`;
  if (i.error) return `install ${what}: FAILED after ${(i.ms / 1000).toFixed(1)} s (${i.build}): ${i.error}`;
  return `install ${what}: ${i.cached ? `cached (first install took ${(i.ms / 1000).toFixed(1)} s, ${i.build})` : `${(i.ms / 1000).toFixed(1)} s, ${i.build}`}`;
}

/** The text lines: installs, then per side each client's median, ratio to kafkajs and spread. */
export function reportLines(outcomes: readonly ClientOutcome[]): string[] {
  const base = outcomes.find((o) => o.name === BASELINE);
  const lines = outcomes.map(installLine);
  for (const side of SIDES) {
    const b = base ? summarizeRuns(base.rates[side]).median : Number.NaN;
    for (const o of outcomes) {
      const s = summarizeRuns(o.rates[side]);
      if (s.runs === 0) {
        lines.push(`${side} ${o.name}: not measured (${o.install.error ?? o.errors[0] ?? 'no run'})`);
        continue;
      }
      const vs = o.name === BASELINE ? '' : ` (${formatRatio(ratio(s.median, b))} kafkajs)`;
      lines.push(`${side} ${o.name}: ${Math.round(s.median)} records/s${vs}; ${spreadNote(s)}`);
    }
  }
  for (const o of outcomes) for (const e of o.errors) lines.push(`${o.name} run failed: ${e}`);
  return lines;
}
