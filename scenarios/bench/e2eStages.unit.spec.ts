import { describe, expect, it } from 'vitest';
import { e2eStages } from './e2eStages.ts';

describe('e2e stages', () => {
  it('splits 201 → visible into relay pickup, send → applied and applied → visible; they add up', () => {
    const r = e2eStages([{ id: 'a', sentAtMs: 1000, ackedAtMs: 1004, visibleAtMs: 1030 }], {
      outboxCreatedMs: new Map([['a', 1002]]),
      recordMs: new Map([['a', 1010]]),
      appliedMs: new Map([['a', 1025]]),
    });
    expect(r).toMatchObject({ counted: 1, missing: 0 });
    expect(r.stages.command.mean).toBe(4);
    expect(r.stages.insertToSend.mean).toBe(8);
    expect(r.stages.relayPickup.mean).toBe(6);
    expect(r.stages.sendToApplied.mean).toBe(15);
    expect(r.stages.appliedToVisible.mean).toBe(5);
    expect(r.stages.relayPickup.mean + r.stages.sendToApplied.mean + r.stages.appliedToVisible.mean).toBe(r.stages.visible.mean);
  });

  it('a sample without every stamp is counted as missing, not as zero', () => {
    const r = e2eStages(
      [
        { id: 'a', sentAtMs: 0, ackedAtMs: 1, visibleAtMs: 9 },
        { id: 'b', sentAtMs: 0, ackedAtMs: 2, visibleAtMs: 20 },
      ],
      { outboxCreatedMs: new Map([['a', 1]]), recordMs: new Map([['a', 3]]), appliedMs: new Map([['b', 5]]) },
    );
    expect(r).toMatchObject({ counted: 0, missing: 2 });
    expect(r.stages.visible.mean).toBeNaN();
  });
});
