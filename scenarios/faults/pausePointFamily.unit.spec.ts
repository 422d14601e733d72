// The pause-point family's bookkeeping against a hand-written process control that records calls:
// arms the point to pause, resumes only a process whose point fired, disarms one that did not.
import { describe, expect, it } from 'vitest';
import type { FiredCrashPoint, ProcessControl } from '../environment/types.ts';
import type { FaultContext } from './family.ts';
import { pausePointFamily } from './pausePointFamily.ts';
import type { Fault } from './types.ts';

function harness() {
  const calls: string[] = [];
  const log: FiredCrashPoint[] = [];
  const control = {
    resume: async (t: string) => void calls.push(`resume ${t}`),
    crashPoints: {
      arm: async (t: string, spec: string) => void calls.push(`arm ${t} ${JSON.stringify(spec)}`),
      fired: async () => [...log],
    },
  } as unknown as ProcessControl;
  const ctx = { control, log: () => undefined } as unknown as FaultContext;
  return { calls, log, instance: pausePointFamily.create(ctx) };
}
const fault = (point: string, target = 'projector#2'): Fault =>
  ({ at: 0, fault: 'pause-point', target, duration: 8000, params: { point, nth: 3 } }) as Fault;

describe('pause points', () => {
  it('arms the point to pause, and resumes the process when it froze there', async () => {
    const h = harness();
    const f = fault('projector.after-db-commit-before-offset-commit');
    await h.instance.start(f, 1);
    h.log.push({ crashPoint: 'projector.after-db-commit-before-offset-commit', pass: 3, pid: 7, at: 0 });
    await h.instance.stop(f, 1);
    expect(h.calls).toEqual(['arm projector#2 "projector.after-db-commit-before-offset-commit:3:pause"', 'resume projector#2']);
  });

  it('disarms a point that never fired and resumes nothing', async () => {
    const h = harness();
    const f = fault('projector.mid-run');
    await h.instance.start(f, 1);
    await h.instance.stop(f, 1);
    expect(h.calls).toEqual(['arm projector#2 "projector.mid-run:3:pause"', 'arm projector#2 ""']);
  });

  it('heal resumes a process frozen in a window that never stopped, and disarms it', async () => {
    const h = harness();
    await h.instance.start(fault('relay.after-claim-before-send', 'relay#3'), 4);
    h.log.push({ crashPoint: 'relay.after-claim-before-send', pass: 3, pid: 9, at: 0 });
    await h.instance.heal();
    expect(h.calls.slice(1)).toEqual(['arm relay#3 ""', 'resume relay#3']);
  });

  it('refuses a point that does not live in the target', async () => {
    await expect(harness().instance.start(fault('relay.after-claim-before-send', 'projector'), 1)).rejects.toThrow(/not in projector/);
  });
});
