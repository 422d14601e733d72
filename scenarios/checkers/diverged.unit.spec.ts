import { describe, expect, it } from 'vitest';
import { checkDiverged } from './diverged.ts';
import { BASIC, healthyRun } from './testing.ts';
import { checkWriteDiverged } from './writeDiverged.ts';

describe('diverged (read model vs fold of write events)', () => {
  it('passes a healthy run, and DATETIME without milliseconds', () => {
    const input = healthyRun(BASIC);
    input.read.users.forEach((u) => (u.dateRegister = u.dateRegister.replace('.000Z', 'Z')));
    expect(checkDiverged(input).valid).toBe(true);
  });

  it('names the fields that differ', () => {
    const input = healthyRun(BASIC);
    Object.assign(
      input.read.users.find((u) => u.idUserData === 'a')!,
      { name: 'Anna', version: 2 },
    );
    const r = checkDiverged(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'diverged',
        streamId: 'a',
        versions: [3, 2],
        data: {
          where: 'queries.USER_DATA',
          diffs: [
            { field: 'name', expected: 'Annie', actual: 'Anna' },
            { field: 'version', expected: 3, actual: 2 },
          ],
        },
      }),
    ]);
  });

  it('finds missing and extra rows, and a delete not applied', () => {
    const input = healthyRun(BASIC);
    input.read.users = input.read.users.filter((u) => u.idUserData !== 'a');
    input.read.users.push({
      idUserData: 'ghost',
      name: 'G',
      dateRegister: '2026-01-01T00:00:00Z',
      version: 1,
      deleted: false,
      appliedCount: 1,
    });
    input.read.users.find((u) => u.idUserData === 'b')!.deleted = false;
    const r = checkDiverged(input);
    expect(r.anomalies.map((a) => [a.streamId, (a.data!.diffs as { field: string }[]).map((d) => d.field)])).toEqual([
      ['a', ['row']],
      ['b', ['deleted']],
      ['ghost', ['row']],
    ]);
  });

  it('unknown ops do not matter: the write events are the truth', () => {
    const input = healthyRun(BASIC, { 2: 'unknown', 4: 'unknown' });
    expect(checkDiverged(input).valid).toBe(true);
  });
});

describe('write-diverged (commands.USER_DATA vs its own events)', () => {
  it('passes a healthy run', () => {
    expect(checkWriteDiverged(healthyRun(BASIC)).valid).toBe(true);
  });

  it('finds a state row that does not match its events', () => {
    const input = healthyRun(BASIC);
    input.write.users.find((u) => u.idUserData === 'b')!.version = 1;
    expect(checkWriteDiverged(input).anomalies).toEqual([
      expect.objectContaining({ name: 'write-diverged', streamId: 'b', versions: [2, 1] }),
    ]);
  });

  it('finds a version gap in the event store', () => {
    const input = healthyRun(BASIC);
    input.write.events = input.write.events.filter((e) => e.eventId !== 'e-a-2');
    const r = checkWriteDiverged(input);
    expect(r.anomalies.map((a) => a.data?.problem ?? 'row')).toContain('expected version 2');
  });
});
