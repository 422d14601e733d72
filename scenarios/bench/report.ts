// The benchmark's report: JSON (stable field names) and the text printed on stdout. Pure.
import type { Durability } from './durability.ts';
import { formatTable, type Figure } from './goals.ts';
import type { PhaseName, PhaseResult, Sizes } from './phase.ts';
import { renderSummary, type ProfileSummary } from './profileSummary.ts';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  sizes: Sizes;
  machine: { cpus: number; cpuModel: string; memoryGb: number; platform: string; node: string };
  environment: { provider: string; basePort: number; brokers: number };
  figures: Figure[];
  /** Durability and isolation settings, read from the servers at the start of the run. */
  durability?: Durability | { error: string };
  /** Per phase: CPU profiles of the system processes, next to the JSON, and where their time went. */
  profiles?: {
    dir: string;
    files: Partial<Record<PhaseName, string[]>>;
    /** Per phase, per profile file: self time by function and file (profileSummary.ts). */
    summaries?: Partial<Record<PhaseName, Record<string, ProfileSummary | { error: string }>>>;
  };
  phases: Partial<Record<PhaseName, PhaseResult | { error: string }>>;
}

/** `reports/bench-2026-11-28T10-15-00.json`: a date plus time, so runs of one day do not overwrite each other. */
export function reportFileName(at: Date): string {
  return `bench-${at.toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
}

export function renderReport(r: BenchReport): string {
  const lines = [
    `faultline bench${r.quick ? ' (--quick)' : ''} — ${r.startedAt} — ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, node ${r.machine.node}`,
    '',
    formatTable(r.figures),
  ];
  if (r.durability && !('error' in r.durability)) {
    // Without a binary log (every mode but cdc) sync_binlog has nothing to sync: said, not hidden.
    const binlog = (x: Record<string, unknown>) =>
      Number(x.log_bin) === 1 ? `log_bin=1 sync_binlog=${x.sync_binlog}` : `log_bin=0 (no binary log; sync_binlog=${x.sync_binlog} moot)`;
    const db = (x: Record<string, unknown>) =>
      `flush_log_at_trx_commit=${x.innodb_flush_log_at_trx_commit} ${binlog(x)} isolation=${x.global_isolation}`;
    const k = r.durability.kafka.config;
    lines.push(
      '',
      `durability (read from the servers): commands ${db(r.durability.mariadb.commands)}; queries ${db(r.durability.mariadb.queries)}; ` +
        `${r.durability.kafka.topic} replication.factor=${k['replication.factor']} min.insync.replicas=${k['min.insync.replicas']}; producer acks ${r.durability.clients.producerAcks}`,
    );
  }
  if (r.profiles) lines.push(`CPU profiles: ${r.profiles.dir}/<phase>/`, ...renderSummaries(r.profiles.summaries ?? {}));
  const failed = Object.entries(r.phases).filter((e): e is [string, { error: string }] => 'error' in (e[1] ?? {}));
  for (const [name, p] of failed) lines.push(`phase ${name} FAILED: ${p.error}`);
  const notes = Object.entries(r.phases).flatMap(([name, p]) => (p && 'notes' in p ? p.notes.map((n) => `${name}: ${n}`) : []));
  if (notes.length) lines.push('', 'notes:', ...notes.map((n) => `  - ${n}`));
  return lines.join('\n');
}

/** Per phase, per process: where the time went (top files and functions by self time). */
function renderSummaries(all: NonNullable<NonNullable<BenchReport['profiles']>['summaries']>): string[] {
  const lines: string[] = [];
  for (const [phase, byFile] of Object.entries(all)) {
    if (!byFile || Object.keys(byFile).length === 0) continue;
    lines.push('', `where the time went, phase ${phase} (self time):`);
    for (const [file, s] of Object.entries(byFile)) {
      const label = file.replace(/\.cpuprofile$/, '');
      lines.push(...('error' in s ? [`  ${label}: ${s.error}`] : renderSummary(label, s, 6)));
    }
  }
  return lines;
}
