// A run's peak memory in words, shared by report.md and the console lines.
import { isMeasured, type RunMemory } from '../record/memory.ts';

/** Servers first, then the system's processes in pipeline order; any other group after them. */
const GROUP_ORDER = ['kafka', 'mariadb', 'toxiproxy', 'command-service', 'relay', 'projector', 'query-api'];

const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);

/** The short figure for a table cell: '1534 MB', or '—' when not measured. */
export function peakMemoryCell(m: RunMemory | undefined): string {
  return isMeasured(m) ? `${m.peakTotalMb} MB` : '—';
}

/** The findings line: total peak, when, and each group's own peak. */
export function memoryText(m: RunMemory): string {
  if (!isMeasured(m)) return `not measured (${m.unmeasured})`;
  const groups = Object.entries(m.byGroup)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([g, v]) => `${g} ${v}`)
    .join(', ');
  return `${m.peakTotalMb} MB resident at ${(m.peakAtMs / 1000).toFixed(1)} s (peaks by group, MB: ${groups}; ${m.samples} samples every ${m.everyMs / 1000} s)`;
}
