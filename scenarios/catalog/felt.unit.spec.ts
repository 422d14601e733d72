import { describe, expect, it } from 'vitest';
import type { CommandOp } from '../history/types.ts';
import type { Sample } from '../record/types.ts';
import {
  counterRise,
  counterRose,
  counterRoseBeyond,
  crashPointFired,
  faultsApplied,
  projectorStalled,
  restarted,
  whenApplied,
} from './felt.ts';
import type { Observations } from './types.ts';

const sample = (ms: number, applied: number, pid = 1): Sample => ({
  ms,
  pids: { projector: pid },
  metrics: { projector: { 'faultline_projector_applied_total{mode="effectively-once",source="kafka"}': applied } },
});
const okAt = (ms: number): CommandOp => ({
  id: ms,
  process: 0,
  kind: 'rename',
  userId: 'u',
  idempotencyKey: `k${ms}`,
  invoke: { ms: ms - 5, wall: '' },
  complete: { ms, wall: '' },
  outcome: 'ok',
});
const obs = (samples: Sample[], ops: CommandOp[], samplerStartMs = 1000): Observations => ({
  samples,
  samplerStartMs,
  ops,
  faults: [],
  poisoned: [],
  final: { write: { events: [], users: [] }, read: { users: [], applied: [], parked: [] }, topics: { events: [], dlq: [] } },
});

describe('non-vacuity checks', () => {
  const flat = [sample(0, 5), sample(1000, 5), sample(2000, 5), sample(2500, 9)];

  it('projectorStalled needs the applied counter flat for the window while commands were accepted in it', () => {
    expect(projectorStalled(1500).check(obs(flat, [okAt(1000 + 1200)]))).toBe(true);
    expect(projectorStalled(1500).check(obs(flat, []))).toBe(false); // idle, not stalled
    expect(projectorStalled(1500).check(obs(flat, [okAt(1000 + 2400)]))).toBe(false); // accepted only after the flat window
    const moving = [sample(0, 5), sample(1000, 6), sample(2000, 7)];
    expect(projectorStalled(1500).check(obs(moving, [okAt(1500)]))).toBe(false);
  });

  it('counterRose and restarted read the samples', () => {
    expect(counterRose('projector', 'faultline_projector_applied_total').check(obs(flat, []))).toBe(true);
    expect(counterRose('projector', 'faultline_projector_applied_total').check(obs(flat.slice(0, 3), []))).toBe(false);
    expect(restarted('projector').check(obs([sample(0, 1, 10), sample(250, 1, 11)], []))).toBe(true);
    expect(restarted('projector').check(obs([sample(0, 1, 10), sample(250, 1, 10)], []))).toBe(false);
  });

  it('crashPointFired needs that target to have died at that point', () => {
    const crash = (target: string, point: string) => ({ type: 'crash' as const, point, target, pass: 3, t: { ms: 7000, wall: '' } });
    const felt = crashPointFired('projector#4', 'projector.after-db-commit-before-offset-commit');
    expect(felt.check({ ...obs([], []), history: [crash('projector#4', 'projector.after-db-commit-before-offset-commit')] })).toBe(true);
    expect(felt.check({ ...obs([], []), history: [crash('projector#3', 'projector.after-db-commit-before-offset-commit')] })).toBe(false);
    expect(felt.check({ ...obs([], []), history: [crash('projector#4', 'projector.mid-run')] })).toBe(false);
    expect(felt.check(obs([], []))).toBe(false); // armed, never fired
  });

  it('faultsApplied fails on a nemesis error and on a window never healed', () => {
    const w = { faultId: 0, fault: 'kill', target: 'projector', start: { ms: 0, wall: '' }, stop: { ms: 10, wall: '' } };
    expect(faultsApplied.check({ ...obs([], []), faults: [w] })).toBe(true);
    expect(faultsApplied.check({ ...obs([], []), faults: [{ ...w, error: 'projector is not running' }] })).toBe(false);
    expect(faultsApplied.check({ ...obs([], []), faults: [{ ...w, stop: null }] })).toBe(false);
    expect(faultsApplied.check({ ...obs([], []), faults: [{ ...w, fault: 'poison', stop: null }] })).toBe(true);
  });

  it('whenApplied asks its claim only of runs that applied a matching fault', () => {
    const never = { describe: 'never felt', check: () => false };
    const killLeader = whenApplied((f) => f.fault === 'kill-leader', 'a leader was killed', never);
    const w = { faultId: 0, fault: 'kill-leader', target: 'user-events', start: { ms: 0, wall: '' }, stop: { ms: 10, wall: '' } };
    expect(killLeader.check({ ...obs([], []), faults: [w] })).toBe(false); // drawn and applied: the claim must hold
    expect(killLeader.check({ ...obs([], []), faults: [{ ...w, fault: 'kill-controller' }] })).toBe(true); // not drawn
    expect(killLeader.check({ ...obs([], []), faults: [{ ...w, error: 'no leader' }] })).toBe(true); // faultsApplied fails that run
    expect(whenApplied(() => true, 'x', { ...never, check: () => true }).check({ ...obs([], []), faults: [w] })).toBe(true);
    expect(killLeader.describe).toBe('if a leader was killed: never felt');
  });

  it('counterRise counts across a restart; counterRoseBeyond needs a rise beyond what the history explains', () => {
    expect(counterRise([0, 2, 5, 1, 3])).toBe(5 + 1 + 2); // 0→5, restart (counts 1), 1→3
    expect(counterRise([4])).toBe(0);
    const replays = (n: number[]): Sample[] =>
      n.map((v, i) => ({
        ms: i * 250,
        pids: { 'command-service': 1 },
        metrics: { 'command-service': { 'faultline_idempotent_replays_total{command="rename"}': v } },
      }));
    const resend = { ...okAt(50), resendOf: 1 };
    const felt = counterRoseBeyond(
      'command-service',
      'faultline_idempotent_replays_total',
      (o) => o.ops.filter((op) => op.resendOf !== undefined).length,
      'x',
    );
    expect(felt.check(obs(replays([0, 1, 2]), [resend, resend]))).toBe(false); // two re-sends explain both replays
    expect(felt.check(obs(replays([0, 1, 3]), [resend, resend]))).toBe(true); // a third replay: a retried attempt
  });
});
