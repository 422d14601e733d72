// What a run directory holds besides the history: the data shapes written by the runner and read
// by the checkers, the catalog's non-vacuity checks and the reports. A leaf: it imports only the
// history, checker row and environment types, so every other folder can depend on it.
import type {
  AppliedEventRow,
  DeadLetterLogRow,
  ParkedEventRow,
  ParkLogRow,
  ReadUserDataRow,
  TelemetrySample,
  TopicRecord,
  UserDataRow,
  WriteEventRow,
} from '../checkers/types.ts';
import type { SystemProcess } from '../environment/system.ts';
import type { MemorySample } from './memory.ts';
import type { MetricValues } from './metrics.ts';

/** The full final state of both databases and both topics, read after heal + quiesce. */
export interface FinalState {
  write: { events: WriteEventRow[]; users: UserDataRow[] };
  read: {
    users: ReadUserDataRow[];
    applied: AppliedEventRow[];
    parked: ParkedEventRow[];
    parkLog?: ParkLogRow[];
    deadLetters?: DeadLetterLogRow[];
  };
  topics: { events: TopicRecord[]; dlq: TopicRecord[] };
}

/** One metrics sample of every system process instance (every ~250 ms while a scenario runs). */
export interface Sample {
  ms: number; // since the sampler started
  /** By target name: 'relay' is instance 1, further instances are 'relay#2', 'projector#3', … */
  pids: Partial<Record<SystemProcess | InstanceTarget, number>>;
  metrics: Partial<Record<SystemProcess | InstanceTarget, MetricValues>>;
  /** Taken once the read model stood still after the run (quiesced): counters are then final. */
  final?: true;
}

/** A further instance of a scalable process ('relay#2', 'projector#3'). */
export type InstanceTarget = `${'relay' | 'projector'}#${number}`;

import type { BrokerSample } from '../environment/brokerMetadata.ts';
export type { BrokerSample };

/** `samples.json`: metrics samples, telemetry samples and the schedule that was played. */
export interface SamplesFile {
  /** History-clock ms at which the metrics sampler started: `startMs + sample.ms` is a sample's history time. */
  startMs: number;
  samples: Sample[];
  telemetry: TelemetrySample[];
  schedule: unknown[];
  /** Broker metadata samples (multi-broker runs only). */
  brokers?: BrokerSample[];
  /** Resident memory of the environment's processes, about once a second (local provider only). */
  memory?: MemorySample[];
}
