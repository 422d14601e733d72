import { describe, expect, it } from 'vitest';
import type { CommandOp } from '../history/types.ts';
import { checkMangled, checkUntraced, checkWriteDuplicated } from './provenance.ts';
import { BASIC, healthyRun, wall } from './testing.ts';

const resendOf = (op: CommandOp, id: number, patch: Partial<CommandOp> = {}): CommandOp => ({
  ...op,
  id,
  resendOf: op.id,
  invoke: { ms: 1000 + id, wall: wall(1000 + id) },
  complete: { ms: 1001 + id, wall: wall(1001 + id) },
  ...patch,
});

describe('write-duplicated', () => {
  it('passes a healthy run, with a resend answered by its first event', () => {
    const input = healthyRun(BASIC);
    input.history.push(resendOf(input.history[2]!, 90));
    expect(checkWriteDuplicated(input)).toEqual({ name: 'write-duplicated', valid: true, anomalies: [] });
  });

  it('finds a key that caused two events: a resend the service applied again (key ignored)', () => {
    const input = healthyRun(BASIC);
    const rename = input.history[2]!; // rename a → Anna, v2, key-2
    // the service ignored the key: a second event with the same causation id, v4
    input.write.events.push({
      eventId: 'e-a-4',
      streamId: 'a',
      streamVersion: 4,
      type: 'UserRenamed',
      payload: { name: 'Anna' },
      occurredAt: wall(2000),
      causationId: rename.idempotencyKey,
    });
    input.history.push(resendOf(rename, 90, { version: 4, eventId: 'e-a-4' }));
    const r = checkWriteDuplicated(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        streamId: 'a',
        versions: [2, 4],
        data: expect.objectContaining({ key: 'key-2', evidence: 'events', eventIds: ['e-a-2', 'e-a-4'] }),
      }),
    ]);
  });

  it('finds a retry of an ok command that was refused (the stored answer not replayed)', () => {
    const input = healthyRun(BASIC);
    const register = input.history[0]!;
    input.history.push(resendOf(register, 91, { outcome: 'fail', status: 409, version: undefined, eventId: undefined }));
    expect(checkWriteDuplicated(input).anomalies).toEqual([
      expect.objectContaining({ op: expect.objectContaining({ id: 91 }), data: expect.objectContaining({ evidence: 'retry-refused' }) }),
    ]);
  });

  it('another request under an ok key refused 422 is the key honoured, not a refused retry', () => {
    const input = healthyRun(BASIC);
    const rename = input.history[2]!;
    input.history.push(
      resendOf(rename, 94, { name: 'Someone else', outcome: 'fail', status: 422, version: undefined, eventId: undefined }),
    );
    expect(checkWriteDuplicated(input).valid).toBe(true);
  });

  it('finds one key answered ok with two different events, even if only one was stored', () => {
    const input = healthyRun(BASIC);
    input.history.push(resendOf(input.history[1]!, 92, { eventId: 'e-b-9', version: 9 }));
    expect(checkWriteDuplicated(input).anomalies.map((a) => a.data?.evidence)).toEqual(['answers']);
  });

  it('a retry that stayed unknown is no evidence either way', () => {
    const input = healthyRun(BASIC);
    input.history.push(resendOf(input.history[2]!, 93, { outcome: 'unknown', status: undefined, version: undefined, eventId: undefined }));
    expect(checkWriteDuplicated(input).valid).toBe(true);
  });
});

describe('untraced', () => {
  it('passes a healthy run, and events of background load with a foreign key prefix', () => {
    const input = healthyRun(BASIC);
    input.write.events.push({
      eventId: 'l1',
      streamId: 'load-user',
      streamVersion: 1,
      type: 'UserRegistered',
      payload: { name: 'x' },
      occurredAt: wall(1),
      causationId: 'load-123',
    });
    expect(checkUntraced(input).valid).toBe(true);
  });

  it('finds an event whose causation id no command sent (the service made up its own)', () => {
    const input = healthyRun(BASIC);
    input.write.events[3]!.causationId = 'random-uuid';
    const r = checkUntraced(input);
    expect(r.anomalies.map((a) => a.data?.evidence).sort()).toEqual(['command-without-event', 'event-without-command']);
    expect(r.anomalies.find((a) => a.data?.evidence === 'event-without-command')).toMatchObject({
      eventId: input.write.events[3]!.eventId,
    });
  });

  it('finds an ok command whose key caused no stored event', () => {
    const input = healthyRun(BASIC);
    const gone = input.write.events.splice(1, 1)[0]!; // register b never stored
    const r = checkUntraced(input);
    expect(r.anomalies).toEqual([
      expect.objectContaining({ name: 'untraced', streamId: gone.streamId, data: { evidence: 'command-without-event', key: 'key-1' } }),
    ]);
  });

  it('does not hold an unknown or failed op to a stored event', () => {
    const input = healthyRun(BASIC, { 1: 'unknown' });
    input.write.events.splice(1, 1);
    expect(checkUntraced(input).valid).toBe(true);
  });
});

describe('mangled', () => {
  it('passes a healthy run with astral, ZWJ and combining names and a boundary date', () => {
    const input = healthyRun([
      { kind: 'register', userId: 'a', name: '👨‍👩‍👧‍👦 e\u0301', dateRegister: '9999-12-31' },
      { kind: 'rename', userId: 'a', name: '𝕏'.repeat(255) },
    ]);
    input.history[0]!.dateRegister = '9999-12-31';
    input.write.events[0]!.payload = { name: '👨‍👩‍👧‍👦 e\u0301', dateRegister: '9999-12-31' };
    expect(checkMangled(input).valid).toBe(true);
  });

  it('finds a name whose astral characters were dropped, and a normalised one', () => {
    const input = healthyRun([
      { kind: 'register', userId: 'a', name: 'Zoë 😀' },
      { kind: 'rename', userId: 'a', name: 'e\u0301' },
    ]);
    input.write.events[0]!.payload = { ...(input.write.events[0]!.payload as object), name: 'Zoë ' };
    input.write.events[1]!.payload = { name: 'é' }; // NFC: not what was sent
    const r = checkMangled(input);
    expect(r.anomalies.map((a) => a.op?.id)).toEqual([0, 1]);
    expect(r.anomalies[0]!.data).toMatchObject({ diffs: [{ field: 'name', sent: 'Zoë 😀', stored: 'Zoë ' }] });
    expect((r.anomalies[1]!.data!.diffs as { sentCodePoints: string[] }[])[0]!.sentCodePoints).toEqual(['U+0065', 'U+0301']);
  });

  it('finds a registration date stored other than sent; unknown ops are not judged', () => {
    const input = healthyRun(
      [
        { kind: 'register', userId: 'a', name: 'A' },
        { kind: 'register', userId: 'b', name: 'B' },
      ],
      { 1: 'unknown' },
    );
    input.history.forEach((o) => (o.dateRegister = '1000-01-01'));
    input.write.events.forEach((e) => (e.payload = { ...(e.payload as object), dateRegister: '1000-01-02' }));
    expect(checkMangled(input).anomalies.map((a) => [a.op?.id, (a.data!.diffs as { field: string }[])[0]!.field])).toEqual([
      [0, 'dateRegister'],
    ]);
  });
});
