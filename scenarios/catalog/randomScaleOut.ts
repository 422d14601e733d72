// A search scenario on the larger topology: fast-check draws the fault schedule from the seed on
// three brokers, two relays and three projectors (scaleOutSchedule.ts), and shrinks a failing one.
// Its expectations are those of the fixed scale-out and broker scenarios; what it must be seen to
// do depends on what was drawn.
import type { Configuration } from '../../system/shared/modes.ts';
import { controllerChanged, leaderChanged } from './brokerFelt.ts';
import { resendCopies } from './brokerScenarios.ts';
import { faultsApplied, whenApplied } from './felt.ts';
import { groupGenerationChanged } from './instanceFelt.ts';
import { TWO_OWNERS_WITHOUT_INBOX } from './scaleOut.ts';
import { SCALE_OUT_TOPOLOGY, scaleOutSchedule, scaleOutScheduleArb } from './scaleOutSchedule.ts';
import type { Scenario, WorkloadShape } from './types.ts';

const OUTBOX: readonly Configuration[] = [
  { publish: 'outbox', consume: 'effectively-once' },
  { publish: 'outbox', consume: 'at-least-once' },
  { publish: 'outbox', consume: 'at-most-once' },
];

// As the broker scenarios: 60/s open loop; the 20 s horizon (longer when a broker restart holds
// the next role fault back) heals with the tail still under load.
const WORKLOAD: WorkloadShape = { rate: 60, minMs: 25_000, tailMs: 6_000 };

export const randomScaleOut: Scenario = {
  name: 'random-scale-out',
  topology: SCALE_OUT_TOPOLOGY,
  purpose:
    'fast-check draws the fault schedule from the seed on 3 brokers, 2 relays and 3 projectors (6 partitions): leaders and the controller killed, replication cut, relay and projector instances killed, paused, restarted or crashed at their crash points, links faulted, answers lost, events duplicated; a failure shrinks to a minimal schedule',
  workload: WORKLOAD,
  schedule: ({ seed }) => scaleOutSchedule(seed),
  felt: [
    faultsApplied,
    whenApplied((f) => f.fault === 'kill-leader', 'a partition leader was killed', leaderChanged),
    whenApplied((f) => f.fault === 'restart-leader', 'a partition leader was restarted', leaderChanged),
    whenApplied((f) => f.fault === 'kill-controller', 'the active controller was killed', controllerChanged),
    groupGenerationChanged,
  ],
  crashes: true,
  convergenceBoundMs: 30_000,
  // Relay instances and their crash points exist only with the outbox.
  configurations: OUTBOX,
  expect: [...TWO_OWNERS_WITHOUT_INBOX, resendCopies],
  fullOnly: true,
  search: { schedules: scaleOutScheduleArb },
};
