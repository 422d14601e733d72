// Given events (the stream so far), when a command, then events or an error.
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, ConcurrencyError, NotFoundError, StreamDeletedError, ValidationError } from '../shared/errors.ts';
import { decide, type Command, type NewEvent } from './decide.ts';
import { fold, type StoredEvent } from './evolve.ts';

const id = '01a21fdf-cbde-75cc-b3a4-ee7b2a99d42c';
const registered: StoredEvent = { streamVersion: 1, type: 'UserRegistered', payload: { name: 'Ann', dateRegister: '2024-01-02' } };
const renamed: StoredEvent = { streamVersion: 2, type: 'UserRenamed', payload: { name: 'Bea' } };
const deleted: StoredEvent = { streamVersion: 3, type: 'UserDeleted', payload: {} };

const given = (...events: StoredEvent[]) => ({
  when: (command: Command) => ({
    then: (expected: NewEvent[]) => expect(decide(fold(events), command)).toEqual(expected),
    thenThrows: (cls: new (...a: never[]) => Error, data: Record<string, unknown> = {}) => {
      let caught: unknown;
      try {
        decide(fold(events), command);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(cls);
      expect(caught).toMatchObject(data);
    },
  }),
});

describe('evolve/fold', () => {
  it('folds a stream into state', () => {
    expect(fold([])).toEqual({ status: 'absent', version: 0 });
    expect(fold([registered, renamed])).toEqual({ status: 'active', version: 2, name: 'Bea', dateRegister: '2024-01-02' });
    expect(fold([registered, renamed, deleted])).toMatchObject({ status: 'deleted', version: 3, name: 'Bea' });
  });
});

describe('decide', () => {
  it('registers a new user', () =>
    given()
      .when({ type: 'RegisterUser', userId: id, name: 'Ann', dateRegister: '2024-01-02' })
      .then([{ type: 'UserRegistered', payload: { name: 'Ann', dateRegister: '2024-01-02' } }]));
  it('refuses to register an existing user', () =>
    given(registered)
      .when({ type: 'RegisterUser', userId: id, name: 'X', dateRegister: '2024-01-02' })
      .thenThrows(AlreadyExistsError, { streamId: id }));
  it('renames an active user, with or without the right expected version', () => {
    given(registered)
      .when({ type: 'RenameUser', userId: id, name: 'Bea' })
      .then([{ type: 'UserRenamed', payload: { name: 'Bea' } }]);
    given(registered, renamed)
      .when({ type: 'RenameUser', userId: id, name: 'Cy', expectedVersion: 2 })
      .then([{ type: 'UserRenamed', payload: { name: 'Cy' } }]);
  });
  it('refuses a stale expected version with expected and actual', () =>
    given(registered, renamed)
      .when({ type: 'RenameUser', userId: id, name: 'Cy', expectedVersion: 1 })
      .thenThrows(ConcurrencyError, { expected: 1, actual: 2 }));
  it('refuses commands on an unknown user', () => {
    given().when({ type: 'RenameUser', userId: id, name: 'Bea' }).thenThrows(NotFoundError, { streamId: id, status: 404 });
    given().when({ type: 'DeleteUser', userId: id }).thenThrows(NotFoundError);
  });
  it('deletes once; later commands get 410', () => {
    given(registered)
      .when({ type: 'DeleteUser', userId: id })
      .then([{ type: 'UserDeleted', payload: {} }]);
    given(registered, renamed, deleted).when({ type: 'DeleteUser', userId: id }).thenThrows(StreamDeletedError, { status: 410 });
    given(registered, renamed, deleted).when({ type: 'RenameUser', userId: id, name: 'Z' }).thenThrows(StreamDeletedError);
  });
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['256 characters', 'a'.repeat(256)],
    ['a lone surrogate', 'ab\uD800c'],
    ['NUL', 'a\u0000b'],
  ])('refuses a name that is %s', (_label, name) =>
    given().when({ type: 'RegisterUser', userId: id, name, dateRegister: '2024-01-02' }).thenThrows(ValidationError, { status: 400 }),
  );
  it('counts characters, not UTF-16 units: 255 emoji are fine', () =>
    given()
      .when({ type: 'RegisterUser', userId: id, name: '😀'.repeat(255), dateRegister: '2024-01-02' })
      .then([{ type: 'UserRegistered', payload: { name: '😀'.repeat(255), dateRegister: '2024-01-02' } }]));
  it.each(['2024-02-30', '2024-13-01', '24-01-01', '0999-01-01', '2024-01-02T00:00:00Z'])('refuses the date %s', (date) =>
    given().when({ type: 'RegisterUser', userId: id, name: 'Ann', dateRegister: date }).thenThrows(ValidationError),
  );
});
