// Figures vs baselines and goals, as data and as text. Pure: unit-tested.
import { round } from './stats.ts';

export type Goal =
  | { kind: 'min-ratio'; target: number } // figure / baseline must reach target
  | { kind: 'max-value'; target: number; unit: string }; // figure must not exceed target

export type Verdict = 'goal met' | 'short' | 'not measured' | 'no goal';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number; // value / baseline.value
  goal?: Goal;
  verdict: Verdict;
  note?: string;
}

export function ratio(value: number, baseline: number): number | undefined {
  return baseline > 0 && Number.isFinite(value) && Number.isFinite(baseline) ? value / baseline : undefined;
}

export function verdict(goal: Goal | undefined, value: number, r: number | undefined): Verdict {
  if (!goal) return 'no goal';
  if (goal.kind === 'min-ratio') return r === undefined ? 'not measured' : r >= goal.target ? 'goal met' : 'short';
  return Number.isFinite(value) ? (value <= goal.target ? 'goal met' : 'short') : 'not measured';
}

export function figure(f: {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  goal?: Goal;
  note?: string;
}): Figure {
  const r = f.baseline ? ratio(f.value, f.baseline.value) : undefined;
  return {
    name: f.name,
    value: round(f.value),
    unit: f.unit,
    ...(f.baseline ? { baseline: { name: f.baseline.name, value: round(f.baseline.value) } } : {}),
    ...(r !== undefined ? { ratio: round(r) } : {}),
    ...(f.goal ? { goal: f.goal } : {}),
    verdict: verdict(f.goal, f.value, r),
    ...(f.note ? { note: f.note } : {}),
  };
}

export function formatRatio(r: number | undefined): string {
  return r === undefined ? '—' : `${r.toFixed(r < 0.1 ? 3 : 2)}×`;
}

export function formatGoal(g: Goal | undefined): string {
  if (!g) return '';
  return g.kind === 'min-ratio' ? `≥ ${g.target}× raw` : `≤ ${g.target} ${g.unit}`;
}

const num = (n: number) => (Number.isFinite(n) ? String(round(n)) : '—');

/** A fixed-width table: figure | value | baseline | ratio | goal | verdict. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = [
    ['figure', 'value', 'raw baseline', 'ratio', 'goal', 'verdict'],
    ...figures.map((f) => [
      f.name,
      `${num(f.value)} ${f.unit}`,
      f.baseline ? `${num(f.baseline.value)} (${f.baseline.name})` : '',
      formatRatio(f.ratio),
      formatGoal(f.goal),
      f.goal ? f.verdict : '',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
