import { describe, expect, it } from 'vitest';
import type { Sample } from '../record/types.ts';
import {
  counterRoseOn,
  downWhileOthersWorked,
  everyInstanceRose,
  groupChangingFaultAt,
  groupGenerationChanged,
  groupJoinedAfter,
  memberJoinedMidRun,
  rebalancedAroundLiveMember,
  silences,
} from './instanceFelt.ts';
import type { Observations } from './types.ts';

type Row = Record<string, { pid: number; v?: number; joins?: number; assigned?: number } | undefined>;
const PUB = 'faultline_relay_published_total';
function sample(ms: number, row: Row): Sample {
  const s: Sample = { ms, pids: {}, metrics: {} };
  for (const [t, x] of Object.entries(row)) {
    if (!x) continue;
    (s.pids as Record<string, number>)[t] = x.pid;
    (s.metrics as Record<string, Record<string, number>>)[t] = {
      [PUB]: x.v ?? 0,
      faultline_projector_group_joins_total: x.joins ?? 1,
      faultline_projector_assigned_partitions: x.assigned ?? 0,
    };
  }
  return s;
}
const obs = (samples: Sample[], faults: Observations['faults'] = [], history: Observations['history'] = []): Observations => ({
  samples,
  samplerStartMs: 0,
  ops: [],
  faults,
  history,
  poisoned: [],
  final: { write: { events: [], users: [] }, read: { users: [], applied: [], parked: [] }, topics: { events: [], dlq: [] } },
});

describe('instance non-vacuity checks', () => {
  // relay#2 is silent from 1000 to 3000 ms; relay keeps publishing.
  const gap = (pidAfter: number, othersPublish: boolean) => {
    const v = (n: number) => (othersPublish ? n : 1);
    return [
      sample(0, { relay: { pid: 1, v: 1 }, 'relay#2': { pid: 2, v: 1 } }),
      sample(1000, { relay: { pid: 1, v: v(2) }, 'relay#2': undefined }),
      sample(2000, { relay: { pid: 1, v: v(3) }, 'relay#2': undefined }),
      sample(3000, { relay: { pid: 1, v: v(4) }, 'relay#2': { pid: pidAfter, v: 0 } }),
    ];
  };

  it('finds the silent stretches of one instance', () => {
    expect(silences(gap(2, true), 'relay#2')).toEqual([{ before: 0, after: 3 }]);
    expect(silences(gap(2, true), 'relay')).toEqual([]);
  });

  it('a kill is felt only with a new pid after the gap and another instance progressing across it', () => {
    const killed = downWhileOthersWorked('relay', 'killed', PUB);
    expect(killed.check(obs(gap(22, true)))).toBe(true);
    expect(killed.check(obs(gap(2, true)))).toBe(false); // same pid: a freeze, not a kill
    expect(killed.check(obs(gap(22, false)))).toBe(false); // nobody else published meanwhile
  });

  it('the others may work at any time within the gap, even if they are themselves down at its ends', () => {
    const samples = [
      sample(0, { relay: { pid: 1, v: 1 }, 'relay#2': { pid: 2, v: 1 } }),
      sample(1000, { relay: { pid: 1, v: 1 }, 'relay#2': undefined }),
      sample(2000, { relay: { pid: 1, v: 5 }, 'relay#2': undefined }),
      sample(3000, { relay: undefined, 'relay#2': { pid: 22, v: 0 } }),
    ];
    expect(downWhileOthersWorked('relay', 'killed', PUB).check(obs(samples))).toBe(true);
    samples[2] = sample(2000, { relay: { pid: 11, v: 5 }, 'relay#2': undefined }); // a rise only across a restart
    expect(downWhileOthersWorked('relay', 'killed', PUB).check(obs(samples))).toBe(false);
  });

  it('a freeze is felt only under one pid and for at least the asked time', () => {
    expect(downWhileOthersWorked('relay', 'frozen', PUB, 2500).check(obs(gap(2, true)))).toBe(true);
    expect(downWhileOthersWorked('relay', 'frozen', PUB, 3500).check(obs(gap(2, true)))).toBe(false);
    expect(downWhileOthersWorked('relay', 'frozen', PUB, 1000).check(obs(gap(22, true)))).toBe(false);
  });

  it('every instance must have published, and there must be enough of them', () => {
    const both = [
      sample(0, { relay: { pid: 1, v: 0 }, 'relay#2': { pid: 2, v: 0 } }),
      sample(1, { relay: { pid: 1, v: 1 }, 'relay#2': { pid: 2, v: 3 } }),
    ];
    expect(everyInstanceRose('relay', PUB, 2, 'x').check(obs(both))).toBe(true);
    expect(everyInstanceRose('relay', PUB, 3, 'x').check(obs(both))).toBe(false);
    const idle = [both[0]!, sample(1, { relay: { pid: 1, v: 1 }, 'relay#2': { pid: 2, v: 0 } })];
    expect(everyInstanceRose('relay', PUB, 2, 'x').check(obs(idle))).toBe(false);
  });

  it('a rebalance around a live member needs its group joins to rise under one pid', () => {
    const s = (pid: number, joins: number) => [sample(0, { projector: { pid: 1, joins: 1 } }), sample(1, { projector: { pid, joins } })];
    expect(rebalancedAroundLiveMember().check(obs(s(1, 2)))).toBe(true);
    expect(rebalancedAroundLiveMember().check(obs(s(7, 2)))).toBe(false); // a restart's first join
    expect(rebalancedAroundLiveMember().check(obs(s(1, 1)))).toBe(false);
    expect(rebalancedAroundLiveMember('x', 'projector#2').check(obs(s(1, 2)))).toBe(false); // another instance
  });

  it('a counter of one instance rose under one pid (not across a restart, not on another instance)', () => {
    const s = (pid: number, v: number, t = 'relay#2') => [sample(0, { 'relay#2': { pid: 2, v: 1 } }), sample(1, { [t]: { pid, v } })];
    expect(counterRoseOn('relay#2', PUB).check(obs(s(2, 2)))).toBe(true);
    expect(counterRoseOn('relay#2', PUB).check(obs(s(3, 2)))).toBe(false);
    expect(counterRoseOn('relay#2', PUB).check(obs(s(2, 1)))).toBe(false);
    expect(counterRoseOn('relay#2', PUB).check(obs(s(2, 5, 'relay')))).toBe(false);
  });

  it('a member joined mid-run: absent at first, then answering with partitions', () => {
    const later = (assigned: number) => [
      sample(0, { projector: { pid: 1, assigned: 3 } }),
      sample(1, { projector: { pid: 1 }, 'projector#4': { pid: 4, assigned: 0 } }),
      sample(2, { projector: { pid: 1 }, 'projector#4': { pid: 4, assigned } }),
    ];
    expect(memberJoinedMidRun('projector#4').check(obs(later(1)))).toBe(true);
    expect(memberJoinedMidRun('projector#4').check(obs(later(0)))).toBe(false);
    const fromStart = [sample(0, { 'projector#4': { pid: 4, assigned: 1 } })];
    expect(memberJoinedMidRun('projector#4').check(obs(fromStart))).toBe(false);
  });

  describe('a new group generation after a fault that must re-form the group', () => {
    const window = (fault: string, target: string, ms: number) => ({
      faultId: 0,
      fault,
      target,
      start: { ms, wall: '' },
      stop: { ms: ms + 500, wall: '' },
    });
    // start-up: projector#2 joins late, so projector rejoins (joins 1 → 2) before any fault
    const startUp = [
      sample(0, { projector: { pid: 1, joins: 1 }, 'projector#2': { pid: 2, joins: 1 } }),
      sample(1000, { projector: { pid: 1, joins: 2 }, 'projector#2': { pid: 2, joins: 1 } }),
    ];

    it('names the first fault that re-forms the group: a projector killed, restarted, rewound or crashed at a point', () => {
      expect(groupChangingFaultAt(obs([], [window('pause', 'projector#2', 100), window('kill', 'relay#2', 200)]))).toBeUndefined();
      expect(groupChangingFaultAt(obs([], [window('kill', 'projector#3', 900), window('restart', 'projector', 700)]))).toBe(700);
      expect(groupChangingFaultAt(obs([], [window('duplicate', 'projector', 400)]))).toBe(400);
      expect(groupChangingFaultAt(obs([], [{ ...window('kill', 'projector', 100), error: 'x' }]))).toBeUndefined();
      const crash = { type: 'crash' as const, point: 'projector.mid-run', target: 'projector#2', pass: 3, t: { ms: 300, wall: '' } };
      expect(groupChangingFaultAt(obs([], [window('crash-point', 'projector#2', 100)], [crash]))).toBe(300);
      expect(groupChangingFaultAt(obs([], [window('crash-point', 'projector#2', 100)], []))).toBeUndefined(); // never fired
    });

    it('counts joins only from the fault on: the start-up rebalance is not a fault felt', () => {
      expect(groupJoinedAfter(obs(startUp), 0)).toBe(true);
      expect(groupJoinedAfter(obs(startUp), 500)).toBe(false);
      const rejoined = [...startUp, sample(2000, { projector: { pid: 1, joins: 2 } }), sample(3000, { projector: { pid: 1, joins: 3 } })];
      expect(groupJoinedAfter(obs(rejoined), 1500)).toBe(true);
    });

    it('a member back under a new pid that joined counts; one that has not joined yet does not', () => {
      const back = (joins: number) => [
        ...startUp,
        sample(2000, { projector: { pid: 1, joins: 2 } }),
        sample(3000, { projector: { pid: 9, joins } }),
      ];
      expect(groupJoinedAfter(obs(back(1)), 1500)).toBe(true);
      expect(groupJoinedAfter(obs(back(0)), 1500)).toBe(false);
    });

    it('is asked only when such a fault was applied', () => {
      expect(groupGenerationChanged.check(obs(startUp, [window('pause', 'projector', 1500)]))).toBe(true); // nothing to feel
      expect(groupGenerationChanged.check(obs(startUp, [window('kill', 'projector#2', 1500)]))).toBe(false); // no join after it
      const rebalanced = [...startUp, sample(2000, { 'projector#2': { pid: 22, joins: 1 } })];
      expect(groupGenerationChanged.check(obs(rebalanced, [window('kill', 'projector#2', 1500)]))).toBe(true);
    });
  });
});
