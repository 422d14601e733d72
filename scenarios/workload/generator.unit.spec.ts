// The generator driven by the harness model as the service (no server): what it offers readers
// and what its deliberate stale If-Match covers.
import { describe, expect, it } from 'vitest';
import { createGenerator } from './generator.ts';
import { applyCommand, type WriteModel } from './model.ts';
import type { Planned } from './plan.ts';

function drive(seed: number, steps: number, onPlanned: (p: Planned, status: number) => void = () => undefined) {
  const gen = createGenerator({ seed, streams: 12 });
  let model: WriteModel = new Map();
  const deleted = new Set<string>();
  for (let step = 0; step < steps; step++) {
    for (const p of gen.next()) {
      gen.sent(p);
      const r = applyCommand(model, p.command);
      model = r.model;
      const status = p.resend ? p.resend.status : r.decision.status;
      if (r.decision.accepted && p.command.kind === 'delete' && !p.resend) deleted.add(p.command.userId);
      onPlanned(p, status);
      const ok = status < 300;
      gen.settle(
        p,
        {
          outcome: ok ? 'ok' : 'fail',
          status,
          ...(r.decision.accepted ? { version: r.decision.event.streamVersion, eventId: `e-${step}` } : {}),
        },
        { opId: step, idempotencyKey: `k-${step}` },
      );
    }
  }
  return { gen, model, deleted };
}

describe('generator', () => {
  it('offers readers the hot set and the most recently deleted streams, which must go on being read', () => {
    const { gen, deleted } = drive(3, 3000);
    expect(deleted.size).toBeGreaterThan(5);
    const readable = gen.hot(20);
    const offeredDeleted = readable.filter((id) => deleted.has(id));
    expect(offeredDeleted).toHaveLength(5); // a quarter of 20
    expect(readable.length).toBeGreaterThan(offeredDeleted.length); // the live hot set is still there
  });

  it('sends deliberate stale If-Match on deletes as well as renames, each predicted 409', () => {
    const kinds = new Map<string, number>();
    drive(5, 4000, (p, status) => {
      if (p.intent !== 'stale-if-match') return;
      expect(p.predicted).toBe(409);
      expect(status).toBe(409);
      kinds.set(p.command.kind, (kinds.get(p.command.kind) ?? 0) + 1);
    });
    expect(kinds.get('delete') ?? 0).toBeGreaterThan(3);
    expect(kinds.get('rename') ?? 0).toBeGreaterThan(kinds.get('delete') ?? 0);
  });
});
