import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../shared/events.ts';
import { evolve, NoSuchUserError } from './evolve.ts';

const ev = (type: EventEnvelope['type'], payload: object, v = 1): EventEnvelope =>
  ({
    eventId: 'e',
    streamId: 's',
    streamVersion: v,
    type,
    schemaVersion: 1,
    occurredAt: '',
    correlationId: 'c',
    causationId: 'c',
    payload,
  }) as EventEnvelope;

describe('evolve', () => {
  it('folds register, rename, delete', () => {
    let s = evolve(null, ev('UserRegistered', { name: 'Ada', dateRegister: '2026-01-02T03:04:05Z' }));
    expect(s).toEqual({ name: 'Ada', dateRegister: '2026-01-02', deleted: false });
    s = evolve(s, ev('UserRenamed', { name: 'Bo' }, 2));
    expect(s).toEqual({ name: 'Bo', dateRegister: '2026-01-02', deleted: false });
    s = evolve(s, ev('UserDeleted', {}, 3));
    expect(s.deleted).toBe(true);
    expect(s.name).toBe('Bo');
  });

  it('refuses a rename or delete of a user never registered', () => {
    expect(() => evolve(null, ev('UserRenamed', { name: 'x' }, 2))).toThrow(NoSuchUserError);
    expect(() => evolve(null, ev('UserDeleted', {}, 2))).toThrow(NoSuchUserError);
  });
});
