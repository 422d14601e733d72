import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from './clock.ts';
import { parseHistory, readHistory, toCrashes, toFaultWindows, toInjections, toOperations, toReads, metaOf } from './reader.ts';
import { createRecorder, fileSink, memorySink } from './recorder.ts';

function fakeClock() {
  let t = 1000;
  return {
    clock: createClock(
      () => t,
      () => Date.UTC(2026, 0, 1) + t,
    ),
    advance: (ms: number) => (t += ms),
  };
}

describe('clock', () => {
  it('counts ms from its creation and carries the wall clock', () => {
    const { clock, advance } = fakeClock();
    expect(clock().ms).toBe(0);
    advance(250);
    const ts = clock();
    expect(ts.ms).toBe(250);
    expect(ts.wall).toBe(new Date(Date.UTC(2026, 0, 1) + 1250).toISOString());
  });
});

describe('recorder + reader', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('streams one JSON object per line and reads ops back with outcomes and times', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hist-'));
    dirs.push(dir);
    const path = join(dir, 'run', 'history.jsonl');
    const { clock, advance } = fakeClock();
    const rec = createRecorder({ sink: fileSink(path), clock });
    rec.meta({ scenario: 'broker-outage', seed: 42 });
    const a = rec.invoke({ process: 0, kind: 'register', userId: 'u1', name: 'Ann', idempotencyKey: 'k1' });
    // streamed: the invoke is on disk before the completion
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    advance(10);
    rec.faultStart({ faultId: 0, fault: 'down', target: 'relay-kafka' });
    const b = rec.invoke({ process: 1, kind: 'rename', userId: 'u1', name: 'Bo', idempotencyKey: 'k2', expectedVersion: 1 });
    advance(5);
    rec.complete(a, { outcome: 'ok', status: 201, version: 1, eventId: 'e1' });
    const c = rec.invoke({ process: 0, kind: 'delete', userId: 'u2', idempotencyKey: 'k3' });
    rec.complete(c, { outcome: 'fail', status: 404 });
    advance(100);
    rec.faultStop({ faultId: 0, fault: 'down', target: 'relay-kafka' });
    rec.close();

    const entries = readHistory(path);
    expect(entries.map((e) => e.type)).toEqual(['meta', 'invoke', 'fault', 'invoke', 'complete', 'invoke', 'complete', 'fault']);
    expect(metaOf(entries)?.seed).toBe(42);
    const ops = toOperations(entries);
    expect(ops.map((o) => [o.id, o.outcome])).toEqual([
      [a, 'ok'],
      [b, 'unknown'],
      [c, 'fail'],
    ]);
    expect(ops[0]).toMatchObject({ version: 1, eventId: 'e1', status: 201, invoke: { ms: 0 }, complete: { ms: 15 } });
    expect(ops[1]!.complete).toBeNull(); // never completed → unknown
    expect(ops[1]!.expectedVersion).toBe(1);
    const windows = toFaultWindows(entries);
    expect(windows).toEqual([
      expect.objectContaining({
        faultId: 0,
        fault: 'down',
        target: 'relay-kafka',
        start: expect.objectContaining({ ms: 10 }),
        stop: expect.objectContaining({ ms: 115 }),
      }),
    ]);
  });

  it('refuses a second completion of the same op', () => {
    const rec = createRecorder({ sink: memorySink() });
    const id = rec.invoke({ process: 0, kind: 'register', userId: 'u', idempotencyKey: 'k' });
    rec.complete(id, { outcome: 'unknown', error: 'ETIMEDOUT' });
    expect(() => rec.complete(id, { outcome: 'ok' })).toThrow(/not in flight/);
  });

  it('leaves a fault without stop open', () => {
    const rec = createRecorder({ sink: memorySink() });
    rec.faultStart({ faultId: 3, fault: 'kill', target: 'relay', params: { signal: 'SIGKILL' } });
    const [w] = toFaultWindows(rec.entries());
    expect(w).toMatchObject({ faultId: 3, stop: null, params: { signal: 'SIGKILL' } });
  });
});

describe('reads, injections and crash points', () => {
  it('are written as their own lines and read back by type, with the op fields the workload adds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hist-'));
    const path = join(dir, 'history.jsonl');
    const { clock, advance } = fakeClock();
    const rec = createRecorder({ sink: fileSink(path), clock });
    const op = rec.invoke({
      process: 0,
      kind: 'register',
      userId: 'u',
      name: '😀',
      dateRegister: '9999-12-31',
      idempotencyKey: 'k',
      intent: 'valid',
      predicted: 201,
    });
    rec.complete(op, { outcome: 'ok', status: 201, version: 1 });
    rec.invoke({ process: 0, kind: 'register', userId: 'u', name: '😀', idempotencyKey: 'k', intent: 'resend', resendOf: op });
    advance(5);
    rec.read({ reader: 2, userId: 'u', status: 200, version: 1, deleted: false });
    rec.inject({ faultId: 4, what: 'stale', topic: 'user-events', partition: 1, offset: '42', streamId: 'u', streamVersion: 1 });
    rec.crash({ point: 'relay.after-send-before-mark', target: 'relay', pass: 3, pid: 77 });
    rec.close();
    const entries = readHistory(path);
    rmSync(dir, { recursive: true, force: true });
    expect(toReads(entries)).toEqual([
      { type: 'read', reader: 2, userId: 'u', status: 200, version: 1, deleted: false, t: expect.objectContaining({ ms: 5 }) },
    ]);
    expect(toInjections(entries)).toEqual([expect.objectContaining({ what: 'stale', partition: 1, offset: '42', faultId: 4 })]);
    expect(toCrashes(entries)).toEqual([expect.objectContaining({ point: 'relay.after-send-before-mark', pass: 3, pid: 77 })]);
    expect(toOperations(entries).map((o) => [o.intent, o.predicted, o.resendOf, o.dateRegister])).toEqual([
      ['valid', 201, undefined, '9999-12-31'],
      ['resend', undefined, 0, undefined],
    ]);
  });
});

describe('parseHistory', () => {
  it('drops a torn final line but rejects garbage in the middle', () => {
    const good = JSON.stringify({ type: 'meta', scenario: 's', t: { ms: 0, wall: 'x' } });
    expect(parseHistory(`${good}\n{"type":"inv`)).toHaveLength(1);
    expect(() => parseHistory(`{"type":"inv\n${good}\n`)).toThrow(/line 1: not JSON/);
    expect(() => parseHistory(`{"type":"bogus"}\n`)).toThrow(/unknown entry type/);
  });
});
