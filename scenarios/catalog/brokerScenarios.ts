// Scenarios on three brokers (RF 3, min.insync.replicas 2, replication through Toxiproxy): a
// partition leader killed under load, replication cut until the ISR falls below 2, the active
// controller killed. Each is felt in the broker-metadata samples, not just in the fault log.
import type { FaultSchedule } from '../faults/types.ts';
import { controllerChanged, isrBelow, leaderChanged } from './brokerFelt.ts';
import { anyOf, counterRose, faultsApplied, gaugeAbove } from './felt.ts';
import type { DeclaredExpectation } from '../checkers/expectations.ts';
import type { Scenario, WorkloadShape } from './types.ts';

// As the one-broker scenarios (60/s open loop); a broker restart takes 10–20 s on 2 cores, so the
// schedules run longer than the workload's minimum and the tail follows the last heal.
const WORKLOAD: WorkloadShape = { rate: 60, minMs: 25_000, tailMs: 6_000 };
const THREE = { brokers: 3 } as const;

/** The relay (or the dual-writing command service) could not publish for a while. */
const publishersBlocked = anyOf(
  counterRose('relay', 'faultline_relay_publish_errors_total'),
  gaugeAbove('relay', 'faultline_relay_outbox_oldest_age_seconds', 2, 'relay: an outbox row waited more than 2 s'),
  counterRose('command-service', 'faultline_dual_write_publish_failures_total'),
);

/**
 * A send whose answer was lost to the failover is sent again by a fresh producer (the outbox is
 * at-least-once publishing): a copy on the topic, which only the inbox recognises.
 */
export const resendCopies: DeclaredExpectation = {
  when: { publish: 'outbox', consume: 'at-most-once' },
  allowed: ['duplicated'],
  why: 'a send lost to the failover is sent again by a fresh producer: at-most-once has no inbox',
};

export function brokerScenarios(profile: (name: string) => () => FaultSchedule): Scenario[] {
  return [
    {
      name: 'leader-failover',
      topology: THREE,
      purpose:
        'the leader of the busiest partition is cut off from its followers and SIGKILLed under load, later the leader of the next; each restarted; then the leader of the third is restarted gracefully with sends in flight to it',
      workload: WORKLOAD,
      schedule: profile('leader-failover'),
      felt: [faultsApplied, leaderChanged],
      crashes: false,
      convergenceBoundMs: 30_000,
      expect: [resendCopies],
    },
    {
      name: 'isr-shrink',
      topology: THREE,
      purpose:
        'replication from a follower of the busiest partition is cut, then from its leader too: the ISR falls below 2 and acks=all writes are refused; the leader, alone in its ISR, is SIGKILLed; then all heals',
      workload: WORKLOAD,
      schedule: profile('isr-shrink'),
      felt: [faultsApplied, isrBelow(2), publishersBlocked],
      crashes: false,
      convergenceBoundMs: 30_000,
      expect: [resendCopies],
    },
    {
      name: 'controller-failover',
      topology: THREE,
      purpose: 'the active KRaft controller is SIGKILLed under load, then the one that took over; each restarted',
      workload: WORKLOAD,
      schedule: profile('controller-failover'),
      felt: [faultsApplied, controllerChanged],
      crashes: false,
      convergenceBoundMs: 30_000,
      expect: [resendCopies],
    },
  ];
}
