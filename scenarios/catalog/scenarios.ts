// The named scenarios. Each is a workload shape, a fault schedule as data, and what the fault
// must visibly do. Times are ms after the workload starts; the workload runs open loop for at least
// `minMs` and `tailMs` past the last heal.
import fc from 'fast-check';
import { loadFaultProfiles, loadPoisonCases } from '../../fixtures/loader.ts';
import { faultScheduleArb } from '../faults/arbitraries.ts';
import { hasTrait } from '../faults/registry.ts';
import type { Fault, FaultSchedule } from '../faults/types.ts';
import {
  anyOf,
  clientsSawErrors,
  counterRose,
  counterRoseBeyond,
  dlqRecordAppeared,
  duplicatesOnTopic,
  faultsApplied,
  gaugeAbove,
  projectorStalled,
  restarted,
  slowCommand,
  unreachable,
} from './felt.ts';
import { scaleOutScenarios } from './scaleOut.ts';
import { brokerScenarios } from './brokerScenarios.ts';
import { randomScaleOut } from './randomScaleOut.ts';
import { fuzzRecordsScenario } from './fuzzRecords.ts';
import type { Scenario, WorkloadShape } from './types.ts';

// 60 commands/s for ≥ 25 s: ≥ 1,000 ok commands per run (~1,500 sent, ~10 % deliberate
// rejections; ~75 % ok while the command service is killed), and the schedules (≤ ~10 s) heal
// with ≥ 10 s of load still to come.
const WORKLOAD: WorkloadShape = { rate: 60, minMs: 25_000, tailMs: 4_000 };
const OUTBOX_ONLY = [
  { publish: 'outbox', consume: 'effectively-once' },
  { publish: 'outbox', consume: 'at-least-once' },
  { publish: 'outbox', consume: 'at-most-once' },
] as const;

/** The Kafka Connect worker publishes: only the cdc modes run it. */
const CDC_ONLY = [
  { publish: 'cdc', consume: 'effectively-once' },
  { publish: 'cdc-eos', consume: 'effectively-once' },
  { publish: 'cdc', consume: 'at-least-once' },
  { publish: 'cdc-eos', consume: 'at-least-once' },
] as const;

const f = (x: Fault): Fault => x;
const PROFILES = new Map(loadFaultProfiles(undefined, { poisonCases: loadPoisonCases().map((c) => c.name) }).map((p) => [p.name, p]));
/** Fixed schedules live in fixtures/fault-profiles/<name>.json, so they are tuned without code. */
function profile(name: string): () => FaultSchedule {
  const p = PROFILES.get(name);
  if (!p) throw new Error(`fixtures/fault-profiles/${name}.json is missing: scenario ${name} has no fault schedule`);
  return () => p.schedule;
}

const relayFeltBrokerGone = anyOf(
  counterRose('relay', 'faultline_relay_publish_errors_total'),
  gaugeAbove('relay', 'faultline_relay_outbox_oldest_age_seconds', 1, 'relay: an outbox row waited more than 1 s'),
  counterRose('command-service', 'faultline_dual_write_publish_failures_total'),
);

/** The generator behind random-schedule (shared with the shrinking search): every random-drawable family. */
const randomScheduleArb = faultScheduleArb({
  horizonMs: 8000,
  maxFaults: 4,
  minDurationMs: 500,
  maxDurationMs: 3000,
  processTargets: ['command-service', 'relay', 'projector', 'kafka', 'commands-db', 'queries-db'],
}).filter((s) => s.length > 0);

/** A fault that kills a process, by SIGKILL or at an armed crash point (at-most-once may then lose). */
const crashesIn = (schedule: FaultSchedule) => schedule.some((x) => hasTrait(x.fault, 'crashes-process'));

/**
 * A lost acknowledgement was felt: the command service answered more retried keys from their first
 * answer than the workload's deliberate same-key re-sends account for (each explains at most one
 * replay), so some attempt was retried after its answer was lost.
 */
const lostAckFelt = counterRoseBeyond(
  'command-service',
  'faultline_idempotent_replays_total',
  (o) => o.ops.filter((op) => op.resendOf !== undefined).length,
  'command-service: more idempotent replays than the deliberate re-sends explain (a retry after a lost answer)',
);

const BUILT_IN: readonly Scenario[] = [
  {
    name: 'broker-outage',
    purpose: 'Kafka unreachable for publisher and projector for 4 s, then back',
    workload: WORKLOAD,
    schedule: profile('broker-outage'),
    felt: [faultsApplied, relayFeltBrokerGone],
    crashes: false,
    convergenceBoundMs: 15_000,
    // The seed's original bug: committing then publishing loses the event when the broker is down.
    expect: [{ when: { publish: 'dual-write' }, required: ['lost'], why: 'dual-write must lose what the broker never took' }],
    ci: [{ publish: 'dual-write', consume: 'effectively-once' }],
  },
  {
    name: 'broker-crash-restart',
    purpose: 'the broker is SIGKILLed and restarted on its data',
    workload: WORKLOAD,
    schedule: profile('broker-crash-restart'),
    felt: [faultsApplied, relayFeltBrokerGone],
    crashes: false,
    convergenceBoundMs: 20_000,
  },
  {
    name: 'write-db-outage',
    publisherSide: true,
    purpose: 'the commands database is unreachable for the command service and the relay for 3 s',
    workload: WORKLOAD,
    schedule: profile('write-db-outage'),
    felt: [faultsApplied, clientsSawErrors],
    crashes: false,
    convergenceBoundMs: 15_000,
  },
  {
    name: 'db-crash',
    publisherSide: true,
    purpose:
      'each database frozen with commits in flight, SIGKILLed while frozen and restarted (crash recovery), the commands database killed the moment a command transaction has written and waits for its COMMIT, then killed outright, then the query API cut from its read database: every acknowledged command survives, no refused one is stored, the API’s lag is unknown rather than stale',
    workload: WORKLOAD,
    schedule: profile('db-crash'),
    felt: [
      faultsApplied,
      clientsSawErrors,
      counterRose('projector', 'faultline_projector_retries_total', 'the projector retried transactions on the dead read database'),
    ],
    // A read database killed mid-apply: at-most-once has committed the offsets of what it loses.
    crashes: true,
    convergenceBoundMs: 20_000,
  },
  {
    name: 'group-collision',
    purpose:
      'another application joins the projector’s consumer group with an assignor the projector does not speak, while the projector restarts: the projector must exit rather than stay up outside its group, and once the group is free again it catches up with nothing lost',
    workload: WORKLOAD,
    schedule: profile('group-collision'),
    felt: [faultsApplied, restarted('projector'), unreachable('projector')],
    crashes: true,
    convergenceBoundMs: 25_000,
  },
  {
    name: 'read-db-fails-after-consume',
    purpose: 'the queries database resets connections while the projector applies: retries, no loss, no double apply',
    workload: WORKLOAD,
    schedule: profile('read-db-fails-after-consume'),
    felt: [faultsApplied, counterRose('projector', 'faultline_projector_retries_total', 'the projector retried transactions')],
    crashes: false,
    convergenceBoundMs: 15_000,
  },
  {
    name: 'partition-relay-kafka',
    purpose: 'a black hole between the relay and Kafka for 4 s',
    workload: WORKLOAD,
    schedule: profile('partition-relay-kafka'),
    felt: [faultsApplied, relayFeltBrokerGone],
    crashes: false,
    convergenceBoundMs: 20_000,
  },
  {
    name: 'partition-projector-kafka',
    purpose: 'a black hole between the projector and Kafka for 4 s',
    workload: WORKLOAD,
    schedule: profile('partition-projector-kafka'),
    felt: [faultsApplied, projectorStalled(2000)],
    crashes: false,
    convergenceBoundMs: 30_000,
  },
  {
    name: 'partition-projector-read-db',
    purpose: 'a black hole between the projector and the queries database for 3 s',
    workload: WORKLOAD,
    schedule: profile('partition-projector-read-db'),
    felt: [faultsApplied, projectorStalled(1500)],
    crashes: false,
    convergenceBoundMs: 20_000,
    // A stall threshold below the profile's 10 s table lock: the projector must report that stall
    // itself (telemetry-lied judges it against this threshold, not the 30 s default).
    systemEnv: { PROJECTOR_STALL_AFTER_MS: '2000' },
  },
  {
    name: 'slow-links',
    publisherSide: true,
    purpose: 'latency with jitter, low bandwidth and slicing on every link at once',
    workload: WORKLOAD,
    schedule: profile('slow-links'),
    felt: [faultsApplied, slowCommand(150)],
    crashes: false,
    convergenceBoundMs: 15_000,
  },
  {
    name: 'kill-command-service',
    purpose: 'the command service is SIGKILLed twice mid-request and restarted',
    // Each kill leaves seconds of unknown answers (~65 % ok): a longer run keeps ≥ 1,000 ok.
    workload: { ...WORKLOAD, minMs: 32_000 },
    schedule: profile('kill-command-service'),
    felt: [faultsApplied, restarted('command-service'), clientsSawErrors],
    crashes: true,
    convergenceBoundMs: 15_000,
  },
  {
    name: 'kill-relay',
    purpose:
      'the relay is SIGKILLed twice while publishing, dies at its crash points (after a claim before the send, after a send before the mark), and dies again draining the backlog of an 8 s freeze',
    workload: WORKLOAD,
    schedule: profile('kill-relay'),
    // Small sends, ten per claim: the freeze's backlog drains as multi-send claims, so the next
    // claim commits (carrying the marks) while the one before it still has sends to make: the
    // drain's crash lands there, whether it was armed before the drain's first claim or one late.
    systemEnv: { RELAY_BATCH_SIZE: '20', RELAY_CLAIM_BATCHES: '10' },
    felt: [faultsApplied, restarted('relay')],
    crashes: true,
    convergenceBoundMs: 15_000,
    configurations: OUTBOX_ONLY,
  },
  {
    name: 'kill-connect',
    purpose:
      'the Kafka Connect worker (cdc modes) is SIGKILLed mid-stream and started again on its files, then restarted gracefully: cdc may re-publish what came after its last offset commit, cdc-eos must not',
    workload: WORKLOAD,
    schedule: profile('kill-connect'),
    // Applied and healed means the worker came back each time with its connector and task RUNNING.
    felt: [faultsApplied],
    crashes: true,
    convergenceBoundMs: 20_000,
    configurations: CDC_ONLY,
    // Two worker restarts take 1–3 minutes on a loaded 2-core machine: too long for ci's budget.
    fullOnly: true,
  },
  {
    name: 'kill-projector',
    purpose:
      'the projector is SIGKILLed twice at random points and dies at two crash points (after the read-DB commit before the offset commit, mid-run), while answers to the client are lost for a moment',
    workload: WORKLOAD,
    schedule: ({ seed }) => {
      // Random but replayable kill points (the seed decides where), between two armed crash points
      // that die inside the dangerous windows. Each projector restart takes seconds (the consumer
      // group rejoins), so four deaths already keep the schedule running ~30 s.
      const [ats] = fc.sample(fc.tuple(fc.integer({ min: 500, max: 2000 }), fc.integer({ min: 4500, max: 5500 })), { seed, numRuns: 1 });
      const [first, second] = ats!;
      return [
        f({ at: first, fault: 'kill', target: 'projector', duration: 600, params: {} }),
        f({ at: 1000, fault: 'lost-ack', target: 'client-command', duration: 800, params: { how: 'reset' } }),
        f({
          at: 2800,
          fault: 'crash-point',
          target: 'projector',
          duration: 1500,
          params: { point: 'projector.after-db-commit-before-offset-commit', nth: 5 },
        }),
        f({ at: second, fault: 'kill', target: 'projector', duration: 600, params: {} }),
        f({ at: 6500, fault: 'crash-point', target: 'projector', duration: 1500, params: { point: 'projector.mid-run', nth: 5 } }),
      ];
    },
    felt: [faultsApplied, restarted('projector')],
    crashes: true,
    convergenceBoundMs: 25_000,
    ci: [
      { publish: 'outbox', consume: 'at-least-once' },
      { publish: 'outbox', consume: 'at-most-once' },
    ],
  },
  {
    name: 'duplicate-delivery',
    purpose: "the projector's offsets are rewound and published outbox rows are published again",
    workload: WORKLOAD,
    schedule: profile('duplicate-delivery'),
    felt: [faultsApplied, duplicatesOnTopic],
    crashes: false,
    convergenceBoundMs: 25_000,
    configurations: OUTBOX_ONLY,
    injectsDuplicates: true,
    ci: [{ publish: 'outbox', consume: 'at-least-once' }],
  },
  {
    name: 'poison-messages',
    purpose: 'garbage, truncated JSON, unknown-type, schema-violating and oversized records produced onto the topic',
    workload: WORKLOAD,
    schedule: profile('poison-messages'),
    felt: [faultsApplied, dlqRecordAppeared],
    crashes: false,
    convergenceBoundMs: 15_000,
  },
  fuzzRecordsScenario(WORKLOAD),
  {
    name: 'random-schedule',
    purpose: 'fast-check generates the fault schedule from the seed; a failure shrinks to a minimal schedule',
    workload: WORKLOAD,
    schedule: ({ seed }) => fc.sample(randomScheduleArb, { seed, numRuns: 1 })[0]!,
    felt: [faultsApplied],
    crashes: true,
    convergenceBoundMs: 30_000,
    search: { schedules: randomScheduleArb },
  },
  ...scaleOutScenarios(profile, WORKLOAD),
  ...brokerScenarios(profile),
  randomScaleOut,
];

/**
 * Every fault profile without a scenario of its own becomes one: drop a JSON file into
 * fixtures/fault-profiles and it runs, judged by the same checkers and expectations.
 */
function fromProfiles(known: readonly Scenario[]): Scenario[] {
  return [...PROFILES.values()]
    .filter((p) => !known.some((s) => s.name === p.name))
    .map((p) => ({
      name: p.name,
      purpose: p.description,
      workload: WORKLOAD,
      schedule: () => p.schedule,
      felt: [faultsApplied],
      crashes: crashesIn(p.schedule),
      convergenceBoundMs: 30_000,
    }));
}

/** A profile's own `expect` and `ci` declarations add to its scenario's (data beats code). */
function withProfileDeclarations(s: Scenario): Scenario {
  const p = PROFILES.get(s.name);
  if (!p?.expect && !p?.ci) return s;
  return { ...s, expect: [...(s.expect ?? []), ...(p.expect ?? [])], ci: [...(s.ci ?? []), ...(p.ci ?? [])] };
}

/** A fixed schedule with a lost-ack window must show the command service replaying a first answer. */
function withLostAckFelt(s: Scenario): Scenario {
  if (s.search || !s.schedule({ seed: 1 }).some((x) => x.fault === 'lost-ack')) return s;
  return { ...s, felt: [...s.felt, lostAckFelt] };
}

export const SCENARIOS: readonly Scenario[] = [...BUILT_IN, ...fromProfiles(BUILT_IN)].map(withProfileDeclarations).map(withLostAckFelt);
