// The concrete families' pure parts: what they accept, and how the new ones choose their victims.
import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../system/shared/events.ts';
import type { TopicRecord } from './family.ts';
import { eventsByStream, pickPairs, pickStale } from './redeliveryFamily.ts';
import { FAMILIES } from './registry.ts';
import { validateSchedule } from './schedule.ts';
import { conflict } from './schedule.ts';
import type { Fault } from './types.ts';

const rec = (stream: string, version: number, offset: number, partition = 0): TopicRecord => ({
  partition,
  offset: String(offset),
  key: Buffer.from(stream),
  value: Buffer.from(`{"v":${version}}`),
  headers: { [HEADERS.eventId]: Buffer.from(`${stream}-e${version}`), [HEADERS.streamVersion]: Buffer.from(String(version)) },
});

describe('stale redelivery picks', () => {
  const topic = [
    rec('a', 1, 0),
    rec('b', 1, 1),
    rec('a', 2, 2),
    rec('a', 3, 3),
    rec('b', 2, 4),
    rec('a', 2, 5) /* a duplicate */,
    { ...rec('p', 1, 6), headers: {} },
  ];

  it('groups real events by stream in version order, once each, skipping records without an envelope', () => {
    const m = eventsByStream(topic);
    expect([...m.keys()].sort()).toEqual(['a', 'b']);
    expect(m.get('a')!.map((e) => [e.version, e.record.offset])).toEqual([
      [1, '0'],
      [2, '2'],
      [3, '3'],
    ]);
  });

  it('redelivers the event one below the applied version, busiest stream first, never one not yet applied', () => {
    const m = eventsByStream(topic);
    expect(
      pickStale(
        m,
        new Map([
          ['a', 3],
          ['b', 2],
        ]),
        1,
      ).map((e) => [e.streamId, e.version]),
    ).toEqual([['a', 2]]);
    expect(
      pickStale(
        m,
        new Map([
          ['a', 3],
          ['b', 2],
        ]),
        5,
      ).map((e) => [e.streamId, e.version]),
    ).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(
      pickStale(
        m,
        new Map([
          ['a', 1],
          ['b', 1],
        ]),
        5,
      ),
    ).toEqual([]); // nothing older than what is applied
  });

  it('reverses the last two consecutive events of a stream', () => {
    const pairs = pickPairs(eventsByStream(topic), 1);
    expect(pairs.map(([o, n]) => [o.streamId, o.version, n.version])).toEqual([['a', 2, 3]]);
  });
});

describe('declarations of the families', () => {
  it('every kind offers targets it accepts itself', () => {
    for (const f of FAMILIES)
      for (const [kind, s] of Object.entries(f.kinds)) {
        expect(s.targets.choices.length, kind).toBeGreaterThan(0);
        for (const t of s.targets.choices) expect(s.targets.accepts(t), `${kind} ${t}`).toBe(true);
      }
  });

  it('accepts process targets by instance and refuses instances of single-port processes', () => {
    const kill = (target: string) => ({ at: 0, fault: 'kill', target, duration: 100 });
    for (const t of ['relay#2', 'projector#3', 'kafka-2', 'queries-db']) expect(validateSchedule([kill(t)]).ok, t).toBe(true);
    expect(validateSchedule([kill('query-api#2')])).toEqual({
      ok: false,
      errors: [expect.stringMatching(/kafka-N, relay#N, projector#N/)],
    });
  });

  it('a crash point must live in the process it is armed in', () => {
    const cp = (target: string, point: string) => ({ at: 0, fault: 'crash-point', target, duration: 1_000, params: { point } });
    expect(validateSchedule([cp('relay#2', 'relay.after-send-before-mark')]).ok).toBe(true);
    expect(validateSchedule([cp('projector', 'relay.after-send-before-mark')])).toEqual({
      ok: false,
      errors: [expect.stringMatching(/crash point relay.after-send-before-mark is not in projector/)],
    });
    expect(validateSchedule([cp('query-api', 'relay.after-send-before-mark')]).ok).toBe(false);
    expect(validateSchedule([cp('relay', 'relay.nowhere')])).toEqual({
      ok: false,
      errors: [expect.stringMatching(/params.point must be one of command-service.after-commit-before-reply/)],
    });
  });

  it('a crash point and a kill on one process conflict; a dead-letter-valid outage and a down on its link too', () => {
    const a = { at: 0, fault: 'crash-point', target: 'relay', duration: 1_000, params: { point: 'relay.after-send-before-mark' } } as Fault;
    expect(conflict(a, { at: 500, fault: 'kill', target: 'relay', duration: 100, params: {} })).toMatch(/same process/);
    const dl = { at: 0, fault: 'dead-letter-valid', target: 'projector-db', duration: 8_000, params: {} } as Fault;
    expect(conflict(dl, { at: 100, fault: 'down', target: 'projector-db', duration: 100, params: {} })).toMatch(/same link/);
    expect(conflict(dl, { at: 100, fault: 'latency', target: 'projector-db', duration: 100, params: { latencyMs: 5 } })).toBeNull();
  });

  it('a valid event is dead-lettered by an outage of the projector database, a forged one on the topic', () => {
    const dl = (target: string, params: object) => ({ at: 0, fault: 'dead-letter-valid', target, duration: 7_000, params });
    expect(validateSchedule([dl('projector-db', {})]).ok).toBe(true);
    expect(validateSchedule([dl('user-events', { how: 'forged' })]).ok).toBe(true);
    expect(validateSchedule([dl('user-events', {})])).toEqual({
      ok: false,
      errors: [expect.stringMatching(/how: outage needs target projector-db/)],
    });
    expect(validateSchedule([dl('projector-db', { how: 'forged' })])).toEqual({
      ok: false,
      errors: [expect.stringMatching(/how: forged needs target user-events/)],
    });
    expect(validateSchedule([{ ...dl('projector-db', {}), duration: 0 }]).ok).toBe(false);
  });
});
