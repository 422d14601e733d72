// Properties over generated workloads: a healthy run passes every checker, and each single
// injected defect is named by the right checker (and `unknown` ops are never lost or phantom).
// The healthy run (testing.ts) is built by hand, without the model or fold the checkers use, and
// each expectation below is the defect that was planted, never a checker's own computation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandSequenceArb, userIds } from '../workload/testing.ts';
import { composeCheckers } from './compose.ts';
import { checkDiverged } from './diverged.ts';
import { checkDuplicated } from './duplicated.ts';
import { checkLost } from './lost.ts';
import { checkPhantom } from './phantom.ts';
import { checkWriteDuplicated } from './provenance.ts';
import { checkReordered } from './reordered.ts';
import { healthyRun } from './testing.ts';

const cmds = commandSequenceArb({ users: userIds(3), maxLength: 25 });
const all = composeCheckers();
const names = (r: { anomalies: { name: string }[] }) => [...new Set(r.anomalies.map((a) => a.name))];

describe('checker properties over generated workloads', () => {
  it('a healthy run passes all checkers', () => {
    fc.assert(
      fc.property(cmds, (c) => {
        expect(all(healthyRun(c)).anomalies).toEqual([]);
      }),
    );
  });

  it('dropping one applied event is named lost (with that event), never phantom or duplicated', () => {
    fc.assert(
      fc.property(cmds, fc.nat(), (c, pick) => {
        const input = healthyRun(c);
        const [dropped] = input.read.applied.splice(pick % input.read.applied.length, 1);
        input.read.users.find((u) => u.idUserData === dropped!.streamId)!.appliedCount -= 1; // never applied: never counted
        expect(checkLost(input).anomalies.map((a) => a.eventId)).toEqual([dropped!.eventId]);
        expect(names(all(input))).not.toContain('phantom');
        expect(names(all(input))).not.toContain('duplicated');
      }),
    );
  });

  it('...unless its op was unknown: then nothing is lost', () => {
    fc.assert(
      fc.property(cmds, fc.nat(), (c, pick) => {
        const input = healthyRun(c);
        const [dropped] = input.read.applied.splice(pick % input.read.applied.length, 1);
        input.history.filter((o) => o.eventId === dropped!.eventId).forEach((o) => (o.outcome = 'unknown'));
        expect(checkLost(input).valid).toBe(true);
      }),
    );
  });

  it('re-applying one event later is duplicated, not reordered', () => {
    fc.assert(
      fc.property(cmds, fc.nat(), (c, pick) => {
        const input = healthyRun(c);
        const again = input.read.applied[pick % input.read.applied.length]!;
        input.read.applied.push({ ...again });
        expect(checkDuplicated(input).anomalies.map((a) => a.eventId)).toEqual([again.eventId]);
        expect(checkReordered(input).valid).toBe(true);
      }),
    );
  });

  it('an ok op turned fail is phantom; turned unknown is not', () => {
    fc.assert(
      fc.property(cmds, fc.nat(), (c, pick) => {
        const input = healthyRun(c);
        const oks = input.history.filter((o) => o.outcome === 'ok');
        const op = oks[pick % oks.length]!;
        op.outcome = 'unknown';
        expect(checkPhantom(input).valid).toBe(true);
        op.outcome = 'fail';
        expect(checkPhantom(input).anomalies.map((a) => a.op?.id)).toEqual([op.id]);
      }),
    );
  });

  it('one read-model row changed in one field is diverged for that stream only, and the write side stays clean', () => {
    fc.assert(
      fc.property(cmds, fc.nat(), fc.constantFrom('name', 'version', 'deleted'), (c, pick, field) => {
        const input = healthyRun(c);
        const row = input.read.users[pick % input.read.users.length]!;
        if (field === 'name') row.name += '\u0301';
        else if (field === 'version') row.version += 1;
        else row.deleted = !row.deleted;
        const r = checkDiverged(input);
        expect(r.anomalies.map((a) => [a.streamId, (a.data!.diffs as { field: string }[]).map((d) => d.field)])).toEqual([
          [row.idUserData, [field]],
        ]);
        expect(names(all(input))).not.toContain('write-diverged');
      }),
    );
  });

  it("an event given another command's causation id is write-duplicated under that key", () => {
    fc.assert(
      fc.property(cmds, fc.nat(), fc.nat(), (c, i, j) => {
        const input = healthyRun(c);
        const events = input.write.events;
        fc.pre(events.length >= 2);
        const from = events[i % events.length]!;
        const to = events[(i + 1 + (j % (events.length - 1))) % events.length]!;
        fc.pre(from.causationId !== undefined);
        to.causationId = from.causationId;
        expect(checkWriteDuplicated(input).anomalies.map((a) => a.data?.key)).toEqual([from.causationId]);
      }),
    );
  });
});
