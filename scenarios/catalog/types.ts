// A scenario is assembled, not written (Jepsen): a workload shape, a fault schedule (data), what
// the fault must visibly do (non-vacuity), and how fast the system must converge afterwards.
import type { Configuration } from '../../system/shared/modes.ts';
import type { FinalState } from '../record/types.ts';
import type { BrokerSample, Sample } from '../record/types.ts';
import type { CommandOp, FaultWindow, HistoryEntry } from '../history/types.ts';
import type { Arbitrary } from 'fast-check';
import type { DeclaredExpectation } from '../checkers/expectations.ts';
import type { FaultSchedule } from '../faults/types.ts';
import type { PoisonInjection, TelemetrySample } from '../checkers/types.ts';

export interface Observations {
  samples: readonly Sample[];
  /** History-clock ms when sampling started: `samplerStartMs + sample.ms` is a sample's history time. */
  samplerStartMs: number;
  ops: readonly CommandOp[];
  faults: readonly FaultWindow[];
  final: FinalState;
  poisoned: readonly PoisonInjection[];
  /** The whole history (injections, query reads and crash points included), for felt checks beyond ops and faults. */
  history?: readonly HistoryEntry[];
  telemetry?: readonly TelemetrySample[];
  /** Leaders, ISR and the active controller over the run (multi-broker runs). */
  brokers?: readonly BrokerSample[];
}

/** One thing a fault must visibly have done; a scenario whose fault was never felt proves nothing. */
export interface Felt {
  describe: string;
  check(o: Observations): boolean;
}

export interface WorkloadShape {
  /** Commands per second released, open loop (`--rate` overrides). */
  rate?: number;
  /** The workload runs at least this long (ms), faults or not. */
  minMs: number;
  /** ...and at least this long past the last heal, so convergence is measured under load. */
  tailMs: number;
  clientTimeoutMs?: number;
  clientAttempts?: number;
  /** Share of deliberate conflicts (stale If-Match, re-registration, commands on deleted users). */
  conflictFraction?: number;
}

/**
 * The deployment a scenario runs on. Omitted fields mean the default single deployment: 1 broker,
 * 1 relay, 1 projector, `user-events` with 3 partitions.
 */
export interface Topology {
  /** Kafka brokers: 1, or 3 (RF 3, min.insync.replicas 2, replication through Toxiproxy). */
  brokers?: 1 | 3;
  /** Relay instances on the one outbox (`relay`, `relay#2`, ...). */
  relays?: number;
  /** Projector instances in the one consumer group (`projector`, `projector#2`, ...). */
  projectors?: number;
  /** Partitions of `user-events`. */
  partitions?: number;
  /**
   * Instances counted above but not started with the system ('projector#4'): a `restart` fault
   * starts one mid-run, so a member joins the group (or a relay the outbox) under load.
   */
  standby?: readonly string[];
}

export interface Scenario {
  name: string;
  /** Brokers, relay and projector instances, partitions; default: one of each, 3 partitions. */
  topology?: Topology;
  purpose: string;
  workload: WorkloadShape;
  /** The fault schedule (ms after the workload starts); `seed` for generated ones. */
  schedule(ctx: { seed: number }): FaultSchedule;
  felt: readonly Felt[];
  /** Whether the faults crash processes (at-most-once may then lose events). */
  crashes: boolean;
  /** How long after the last heal the read model may take to converge. */
  convergenceBoundMs: number;
  /** Extra environment for the system's processes (e.g. the projector's retry budget). */
  systemEnv?: Record<string, string>;
  /** Configurations it runs in; default: the profile's matrix. */
  configurations?: readonly Configuration[];
  /**
   * Its faults hit the publishing path (the publisher's links, the broker, the write database): by
   * default it also runs with Debezium publishing (cdc, cdc-eos) in the full profile.
   */
  publisherSide?: boolean;
  /** Anomalies its faults must (required) or may (allowed) show in some configurations, beyond the guarantee matrix. */
  expect?: readonly DeclaredExpectation[];
  /** The faults put copies of events on the topic; default: the schedule has a `duplicate` fault. */
  injectsDuplicates?: boolean;
  /** Left out of the ci profile (still run by `full`, or when named with --only). */
  fullOnly?: boolean;
  /** Cells the ci profile runs besides the scenario's first configuration: where a weaker mode must be seen for what it is. */
  ci?: readonly Configuration[];
  /** A search scenario: fast-check draws schedules from this and shrinks a failing one (each candidate a real run). */
  search?: { schedules: Arbitrary<FaultSchedule> };
}
