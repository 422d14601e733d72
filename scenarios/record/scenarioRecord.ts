// One scenario × configuration run as files: everything the checkers, the expectations and the
// non-vacuity checks read, so a run can be judged again offline (`npm run check -- <run-dir>`).
//   history.jsonl     every op, fault, injection, query read and crash (the history/ contract)
//   final-state.json  the FULL final state of both databases and both topics
//   samples.json      metrics samples, telemetry samples, the schedule played
//   run.json          configuration, seed, expectation, convergence, measurements, harness errors
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from '../../system/shared/modes.ts';
import type { Expectation } from '../checkers/expectations.ts';
import type { ConvergenceInput, TelemetrySample } from '../checkers/types.ts';
import { readHistory } from '../history/reader.ts';
import type { HistoryEntry } from '../history/types.ts';
import type { RunMemory } from './memory.ts';
import type { FinalState, Sample, SamplesFile } from './types.ts';

export const RECORD_FILES = { history: 'history.jsonl', final: 'final-state.json', samples: 'samples.json', run: 'run.json' } as const;

export interface VisibilityStats {
  sampled: number;
  visible: number; // seen within the deadline
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** What the workload did, for the report: rate, streams touched, events per stream. */
export interface WorkloadSummary {
  ok: number;
  fail: number;
  unknown: number;
  durationMs: number;
  okPerSecond: number;
  streams: number;
  eventsPerStream: { mean: number; max: number };
  /** ok / commands sent. */
  okShare?: number;
  /** What the open-loop workload reported itself: the rate asked for and reached, skipped commands (in-flight bound), outcomes by intent. */
  rate?: { target: number; achieved: number };
  skipped?: number;
  byIntent?: Record<string, { ok: number; fail: number; unknown: number }>;
  /** Answers other than the workload's model predicted (contention, faults, or a bug). */
  surprises?: number;
}

/** `run.json`. */
/** The deployment a run used: brokers, relay and projector instances, partitions of `user-events`. */
export interface RunTopology {
  brokers: number;
  relays: number;
  projectors: number;
  partitions: number;
}

export interface RunFacts {
  scenario: string;
  purpose?: string;
  configuration: Configuration;
  topology?: RunTopology;
  seed: number;
  path?: string;
  replay: string;
  startedAt: string; // ISO-8601
  durationMs: number;
  expectation: Expectation;
  convergence: ConvergenceInput;
  retryBudgetMs: number;
  /** How long the projector may take to report a stall itself (its PROJECTOR_STALL_AFTER_MS + checks); absent: the default threshold. */
  stallReportBoundMs?: number;
  visibility?: VisibilityStats;
  workload?: WorkloadSummary;
  load?: unknown;
  /** Peak resident memory of the environment's processes, or why it was not measured. */
  memory?: RunMemory;
  errors: string[];
}

export interface ScenarioRecord {
  dir: string;
  facts: RunFacts;
  entries: HistoryEntry[];
  final: FinalState;
  samples: SamplesFile;
}

export class RecordError extends Error {
  override name = 'RecordError';
}

/** Writes every file but the history (which the recorder appends to as the run goes). */
export function writeRecord(dir: string, r: Omit<ScenarioRecord, 'dir' | 'entries'>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RECORD_FILES.run), JSON.stringify(r.facts, null, 2) + '\n');
  writeFileSync(join(dir, RECORD_FILES.final), JSON.stringify(r.final));
  writeFileSync(join(dir, RECORD_FILES.samples), JSON.stringify(r.samples));
}

const EMPTY_FINAL: FinalState = {
  write: { events: [], users: [] },
  read: { users: [], applied: [], parked: [] },
  topics: { events: [], dlq: [] },
};

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new RecordError(`${path}: ${(err as Error).message}`);
  }
}

/** Reads a record; run.json and history.jsonl are required, the rest may be missing after a harness failure. */
export function readRecord(dir: string): ScenarioRecord {
  const need = (f: string) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new RecordError(`${p} not found: not a scenario record`);
    return p;
  };
  const facts = readJson<RunFacts>(need(RECORD_FILES.run));
  if (!facts.scenario || !facts.configuration || !facts.expectation)
    throw new RecordError(`${join(dir, RECORD_FILES.run)}: no scenario, configuration or expectation`);
  let entries: HistoryEntry[];
  try {
    entries = readHistory(need(RECORD_FILES.history));
  } catch (err) {
    throw new RecordError((err as Error).message);
  }
  const finalPath = join(dir, RECORD_FILES.final);
  const samplesPath = join(dir, RECORD_FILES.samples);
  const final = existsSync(finalPath) ? readJson<FinalState>(finalPath) : EMPTY_FINAL;
  const s = existsSync(samplesPath) ? readJson<Partial<SamplesFile>>(samplesPath) : {};
  const samples: SamplesFile = {
    startMs: s.startMs ?? 0,
    samples: (s.samples ?? []) as Sample[],
    telemetry: (s.telemetry ?? []) as TelemetrySample[],
    schedule: s.schedule ?? [],
    ...(s.brokers ? { brokers: s.brokers } : {}),
    ...(s.memory ? { memory: s.memory } : {}),
  };
  return { dir, facts, entries, final, samples };
}
