// Where the time goes, from a V8 .cpuprofile: self time summed per function and per file (or
// package), the top N of each, and the share the process spent idle or collecting garbage. Pure
// over the parsed profile; `summarizeProfileFile` reads one from disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of Chrome's `Profiler.Profile` this reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    children?: number[];
  }>;
  startTime: number; // µs
  endTime: number; // µs
  samples?: number[];
  timeDeltas?: number[]; // µs, one per sample
  /** Wall-clock ms at startTime (written by cpuProfileHook.mjs), for windows in wall time. */
  wallStartMs?: number;
}

export interface SummaryOptions {
  top?: number;
  root?: string;
  /** Only samples taken in this wall-clock window (ms), e.g. a bench phase's measurement. */
  window?: { fromMs: number; toMs: number };
}

export interface TimeShare {
  name: string;
  ms: number;
  /** Of the busy time (sampled time minus idle). */
  pctBusy: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  gcMs: number;
  /** Sampled time not idle: what the process spent running (its own code, V8, GC). */
  busyMs: number;
  topFunctions: TimeShare[];
  topFiles: TimeShare[];
}

const IDLE = '(idle)';
const GC = '(garbage collector)';

/** `file:///w/node_modules/mysql2/lib/x.js` → `mysql2`; `file:///w/system/relay/relay.ts` → `system/relay/relay.ts`. */
export function fileLabel(url: string, root?: string): string {
  if (url === '') return '(native)';
  let path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (path.startsWith('node:')) return path;
  if (root && path.startsWith(`${root}/`)) path = path.slice(root.length + 1);
  const at = path.search(/(^|\/)(system|scenarios)\//);
  return at > 0 ? path.slice(at + 1) : path;
}

function functionLabel(cf: CpuProfile['nodes'][number]['callFrame'], root?: string): string {
  const name = cf.functionName || '(anonymous)';
  if (name.startsWith('(') && cf.url === '') return name; // (idle), (program), (garbage collector), (root)
  // Transpiled TypeScript reports line 1 for everything: no line then.
  return cf.lineNumber > 0 ? `${name} ${fileLabel(cf.url, root)}:${cf.lineNumber + 1}` : `${name} ${fileLabel(cf.url, root)}`;
}

/**
 * Self time per sampled node: each sample lasts until the next one (the last until the profile's
 * end), as Chrome DevTools counts it.
 */
function selfTimes(p: CpuProfile, window?: SummaryOptions['window']): Map<number, number> {
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  const stamps: number[] = [];
  let t = p.startTime;
  for (let i = 0; i < samples.length; i++) stamps.push((t += deltas[i] ?? 0));
  if (window && p.wallStartMs === undefined) throw new Error('a window needs a profile with wallStartMs (cpuProfileHook.mjs writes it)');
  const inWindow = (us: number) =>
    !window || (p.wallStartMs! + (us - p.startTime) / 1000 >= window.fromMs && p.wallStartMs! + (us - p.startTime) / 1000 < window.toMs);
  const self = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) {
    if (!inWindow(stamps[i]!)) continue;
    const until = i + 1 < samples.length ? stamps[i + 1]! : Math.max(stamps[i]!, p.endTime);
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (until - stamps[i]!));
  }
  return self;
}

function top(m: Map<string, number>, n: number, busyUs: number): TimeShare[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: round(us / 1000), pctBusy: busyUs > 0 ? round((100 * us) / busyUs) : 0 }));
}

const round = (x: number) => Math.round(x * 10) / 10;

export function summarizeProfile(p: CpuProfile, o: SummaryOptions = {}): ProfileSummary {
  const n = o.top ?? 10;
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  for (const [id, us] of selfTimes(p, o.window)) {
    const node = byId.get(id);
    if (!node) throw new Error(`cpuprofile sample names node ${id}, which the profile does not have`);
    total += us;
    const fn = functionLabel(node.callFrame, o.root);
    if (fn === IDLE) {
      idle += us;
      continue;
    }
    if (fn === GC) gc += us;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    const file = fn.startsWith('(') ? fn : fileLabel(node.callFrame.url, o.root);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const busy = total - idle;
  return {
    totalMs: round(total / 1000),
    idleMs: round(idle / 1000),
    gcMs: round(gc / 1000),
    busyMs: round(busy / 1000),
    topFunctions: top(fns, n, busy),
    topFiles: top(files, n, busy),
  };
}

export function summarizeProfileFile(path: string, o: SummaryOptions = {}): ProfileSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read cpuprofile ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const p = parsed as Partial<CpuProfile>;
  if (!Array.isArray(p.nodes) || typeof p.startTime !== 'number' || typeof p.endTime !== 'number')
    throw new Error(`${path} is not a V8 cpuprofile (nodes, startTime, endTime expected)`);
  return summarizeProfile(p as CpuProfile, o);
}

/** Text for one process: busy/idle/gc, then the top functions and files by self time. */
export function renderSummary(label: string, s: ProfileSummary, n = 8): string[] {
  const pct = (x: number) => (s.totalMs > 0 ? `${Math.round((100 * x) / s.totalMs)} %` : '-');
  const row = (t: TimeShare) => `      ${t.ms.toFixed(0).padStart(7)} ms ${t.pctBusy.toFixed(1).padStart(5)} %  ${t.name}`;
  return [
    `  ${label}: ${s.totalMs.toFixed(0)} ms sampled, busy ${pct(s.busyMs)}, idle ${pct(s.idleMs)}, gc ${pct(s.gcMs)}`,
    `    self time by file (% of busy):`,
    ...s.topFiles.slice(0, n).map(row),
    `    self time by function (% of busy):`,
    ...s.topFunctions.slice(0, n).map(row),
  ];
}

/** Every profile of one bench phase, by file name; a profile that cannot be read says why. */
export function summarizeProfiles(
  dir: string,
  files: readonly string[],
  o: SummaryOptions = {},
): Record<string, ProfileSummary | { error: string }> {
  const out: Record<string, ProfileSummary | { error: string }> = {};
  for (const f of files) {
    try {
      out[f] = summarizeProfileFile(join(dir, f), o);
    } catch (err) {
      out[f] = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return out;
}
