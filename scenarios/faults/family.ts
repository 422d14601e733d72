// The contract of a fault family (Jepsen's nemesis package): the kinds it adds, the targets and
// parameters each accepts, a fast-check arbitrary, and a runtime that starts, stops and heals its
// faults. The nemesis, schedule validation and the schedule arbitraries are derived from the list
// of families, so a new fault kind is one family module (plus the fixture that uses it).
import type fc from 'fast-check';
import type { Admin } from 'kafkajs';
import type { CrashEntry, FaultEntry, FaultTrait, InjectionEntry, Timestamp } from '../history/types.ts';
import type { EnvAddresses, ProcessControl } from '../environment/types.ts';
import type { RawHeaderRecord } from '../../system/testing/rawKafka/recordBatch.ts';
import type { ParamSpec } from './params.ts';
import type { FaultShape as Fault } from './fault.ts';

/** `instant`: duration 0, never stopped; `window`: duration > 0; `any`: either (a kill restarts at once). */
export type Timing = 'instant' | 'window' | 'any';

export interface KindSpec {
  params: ParamSpec;
  timing: Timing;
  /**
   * Accepted targets; `choices` are what arbitraries draw from and what errors list. `drawnFrom`
   * names the option of the schedule arbitrary that narrows the choices (links or process targets).
   */
  targets: { accepts(target: string): boolean; choices: readonly string[]; describe?: string; drawnFrom?: 'links' | 'processTargets' };
  /** Checks beyond the param spec (e.g. slicer's variation < size, a crash point in its process). */
  check?(f: { target: string; params: Record<string, unknown>; duration?: unknown }, opts: ValidationContext): string[];
  /** Params drawn by random schedules for a drawn target (mild enough to heal within a scenario). */
  arbitrary(o: ArbitraryContext, target: string): fc.Arbitrary<Record<string, unknown>>;
  /** Overlapping faults with the same key conflict (e.g. two process faults on one process). */
  exclusive?(f: Fault): string | undefined;
  /** Faults with the same lane run one whole window after another, never overlapping. */
  lane?(f: Fault): string | undefined;
  /** Drawn by random schedules unless asked for by name (default true). */
  random?: boolean;
  /** What it does, for the runner and the checkers (recorded with each fault in the history). */
  traits?: readonly FaultTrait[];
}

export interface ValidationContext {
  poisonCases?: readonly string[];
}

export interface ArbitraryContext {
  poisonCases?: readonly string[];
  links?: readonly string[];
  processTargets?: readonly string[];
  horizonMs: number;
}

/** What the nemesis writes to the history; the checkers read injections and crashes from there. */
export interface FaultRecorder {
  faultStart(f: Omit<FaultEntry, 'type' | 'phase' | 't'>): void;
  faultStop(f: Omit<FaultEntry, 'type' | 'phase' | 't'>): void;
  now(): Timestamp;
  inject(e: Omit<InjectionEntry, 'type' | 't'>): void;
  crash(e: Omit<CrashEntry, 'type' | 't'>): void;
}

export interface PoisonRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Everything a family's runtime may use; built once per nemesis. */
export interface FaultContext {
  env: EnvAddresses;
  control: ProcessControl;
  recorder: FaultRecorder;
  log: (line: string) => void;
  poisonRecords: (caseName: string) => PoisonRecord[];
  /** Shared Kafka and database helpers, connected lazily and closed by the nemesis. */
  tools: FaultTools;
}

export interface ProducedAt {
  partition: number;
  offset: string;
}

export interface TopicRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

export interface FaultTools {
  produce(
    topic: string,
    message: { key: Buffer | string | null; value: Buffer | string | null; headers: Record<string, Buffer | string>; partition?: number },
  ): Promise<ProducedAt>;
  /**
   * Produces one record as written by hand (null header values, repeated names, any bytes) to a
   * partition's leader, authenticated as the harness where the brokers ask; the broker's refusal
   * is an error naming its code.
   */
  rawProduce(topic: string, partition: number, record: RawHeaderRecord): Promise<ProducedAt>;
  /** The topic's partition count. */
  partitions(topic: string): Promise<number>;
  /** Every record of the topic up to its high watermarks when called. */
  readTopic(topic: string): Promise<TopicRecord[]>;
  /** Rows from a database as the admin user (the real server, not a proxy). */
  query<T = Record<string, unknown>>(db: 'commands' | 'queries', sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `npm run dlq -- <args>` against the environment; returns its stdout. */
  dlq(args: string[]): Promise<string>;
  /** Kafka admin: the projector group's committed offsets, or set them (group must be empty). */
  kafkaAdmin(): Promise<Admin>;
  close(): Promise<void>;
}

export interface FamilyRuntime {
  start(f: Fault, faultId: number): Promise<void>;
  /** Ends a window (not called for instant kinds). */
  stop(f: Fault, faultId: number): Promise<void>;
  /** Undoes whatever this family may have left behind; safe at any time, also after a failure. */
  heal(): Promise<void>;
}

export interface FaultFamily {
  name: string;
  kinds: Readonly<Record<string, KindSpec>>;
  create(ctx: FaultContext): FamilyRuntime;
}
