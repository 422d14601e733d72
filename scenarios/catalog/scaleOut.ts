// Scenarios on more than one relay or projector (one broker): competing relays on one outbox, a
// consumer group rebalancing under kills and a joining member, and a zombie projector. Their
// schedules live in fixtures/fault-profiles/<name>.json like the others'.
import type { Configuration } from '../../system/shared/modes.ts';
import type { DeclaredExpectation } from '../checkers/expectations.ts';
import type { FaultSchedule } from '../faults/types.ts';
import { crashPointFired, faultsApplied, gaugeAbove } from './felt.ts';
import { counterRoseOn, downWhileOthersWorked, everyInstanceRose, memberJoinedMidRun, rebalancedAroundLiveMember } from './instanceFelt.ts';
import type { Scenario, WorkloadShape } from './types.ts';

const EO: Configuration = { publish: 'outbox', consume: 'effectively-once' };
const ALO: Configuration = { publish: 'outbox', consume: 'at-least-once' };
const AMO: Configuration = { publish: 'outbox', consume: 'at-most-once' };

const PUBLISHED = 'faultline_relay_published_total';
const APPLIED = 'faultline_projector_applied_total';
const GROUP_JOINS = 'faultline_projector_group_joins_total';
/** The session timeout the system's projectors run with (scenarios/environment/system.ts): a frozen member is evicted after it. */
const SESSION_TIMEOUT_MS = 6000;

/** A group that rebalances under kills: without an inbox, a partition may be applied by two owners. */
export const TWO_OWNERS_WITHOUT_INBOX: readonly DeclaredExpectation[] = [
  {
    when: { consume: 'at-least-once' },
    allowed: ['two-owners'],
    why: 'at-least-once: a member may regain a partition behind the progress of the member that had it meanwhile',
  },
  {
    when: { consume: 'at-most-once' },
    allowed: ['two-owners'],
    why: 'at-most-once commits first: a killed member’s partition moves on while its chunk was still to apply',
  },
];

/**
 * A relay that dies between send and mark leaves its rows to another relay, which sends them again
 * once the lease ends: the outbox publishes at least once, and only an inbox recognises the copy.
 */
const RESENT_BY_ANOTHER_RELAY: readonly DeclaredExpectation[] = [
  {
    when: { publish: 'outbox', consume: 'at-most-once' },
    allowed: ['duplicated'],
    why: 'a relay that died between send and mark has its rows sent again by another: at-most-once has no inbox',
  },
];

/** Three relays on one outbox, faulted while the others publish. */
const competingRelays = (profile: (name: string) => () => FaultSchedule, workload: WorkloadShape): Scenario => ({
  name: 'competing-relays',
  topology: { relays: 3 },
  purpose:
    'three relays on one outbox: one freezes holding its claims, others are killed, paused or die between send and mark while the rest publish; per-stream order on the topic must hold',
  workload,
  schedule: profile('competing-relays'),
  felt: [
    faultsApplied,
    everyInstanceRose('relay', PUBLISHED, 3, 'all three relays published'),
    downWhileOthersWorked('relay', 'killed', PUBLISHED),
    downWhileOthersWorked(
      'relay',
      'frozen',
      PUBLISHED,
      2500,
      'a relay was frozen ≥ 2.5 s (holding its claims) while another relay kept publishing',
    ),
    // The frozen relay's claimed rows, and the later rows of their streams, wait for it: the others are blocked on those streams.
    gaugeAbove('relay', 'faultline_relay_outbox_oldest_age_seconds', 2, 'an outbox row waited > 2 s behind a frozen relay'),
  ],
  crashes: true,
  convergenceBoundMs: 20_000,
  configurations: [EO, ALO, AMO],
  expect: RESENT_BY_ANOTHER_RELAY,
});

/** Three projectors in one group (a fourth joins), killed and crashed under load. */
const projectorRebalance = (profile: (name: string) => () => FaultSchedule, workload: WorkloadShape): Scenario => ({
  name: 'projector-rebalance',
  topology: { projectors: 4, partitions: 6, standby: ['projector#4'] },
  purpose:
    'three projectors in one group: one is killed, a fourth joins and dies between a read-DB commit and its offset commit, two are killed in quick succession, under load; every reassignment must keep effectively-once',
  workload,
  schedule: profile('projector-rebalance'),
  felt: [
    faultsApplied,
    rebalancedAroundLiveMember(),
    memberJoinedMidRun('projector#4'),
    crashPointFired('projector#4', 'projector.after-db-commit-before-offset-commit'),
    downWhileOthersWorked('projector', 'killed', APPLIED),
  ],
  crashes: true,
  convergenceBoundMs: 30_000,
  configurations: [EO, ALO, AMO],
  expect: [
    ...TWO_OWNERS_WITHOUT_INBOX,
    {
      when: { consume: 'at-least-once' },
      required: ['duplicated'],
      why: 'the chunk the crashed member applied but never committed is read again by the partition’s next owner: without an inbox it is applied twice',
    },
  ],
});

/** A projector frozen past the session timeout wakes a zombie. */
const zombieProjector = (profile: (name: string) => () => FaultSchedule, workload: WorkloadShape): Scenario => ({
  name: 'zombie-projector',
  topology: { projectors: 3, partitions: 6 },
  purpose:
    'a projector freezes after its read-DB commit, before its offset commit, past the session timeout; its partitions move; it wakes a zombie and tries to commit the stale offset',
  workload,
  schedule: profile('zombie-projector'),
  felt: [
    faultsApplied,
    downWhileOthersWorked(
      'projector',
      'frozen',
      GROUP_JOINS,
      SESSION_TIMEOUT_MS + 500,
      `a projector was frozen past the ${SESSION_TIMEOUT_MS / 1000} s session timeout while the group rebalanced without it`,
    ),
    counterRoseOn(
      'projector#2',
      'faultline_projector_offset_commit_errors_total',
      'the zombie’s stale offset commit was refused by the group (fenced by its generation)',
    ),
  ],
  crashes: false,
  convergenceBoundMs: 30_000,
  // At-most-once commits before it applies: there is no stale commit to refuse, nothing to show.
  configurations: [EO, ALO],
  expect: [
    {
      when: { consume: 'at-least-once' },
      required: ['duplicated'],
      why: 'the new owner re-reads the chunk the zombie applied but never committed: without an inbox it is applied twice',
    },
  ],
  fullOnly: true,
});

export function scaleOutScenarios(profile: (name: string) => () => FaultSchedule, workload: WorkloadShape): Scenario[] {
  return [competingRelays(profile, workload), projectorRebalance(profile, workload), zombieProjector(profile, workload)];
}
