// Pure domain decisions: given the folded state and a command, return the events to append or
// throw a domain error (which carries its HTTP status). No I/O, no clock, no ids: the caller
// supplies those, so decide/evolve are unit-tested with given/when/then.
import { AlreadyExistsError, ConcurrencyError, NotFoundError, StreamDeletedError, ValidationError } from '../shared/errors.ts';
import type { EventType, PayloadByType } from '../shared/events.ts';
import { dateProblem, nameProblem } from '../shared/fields.ts';
import type { UserState } from './evolve.ts';

export type Command =
  | { type: 'RegisterUser'; userId: string; name: string; dateRegister: string }
  | { type: 'RenameUser'; userId: string; name: string; expectedVersion?: number }
  | { type: 'DeleteUser'; userId: string; expectedVersion?: number };

export interface NewEvent<T extends EventType = EventType> {
  type: T;
  payload: PayloadByType[T];
}

/** The shared field rules (system/shared/fields.ts), as domain errors. */
function validateName(name: string): void {
  const problem = nameProblem(name);
  if (problem) throw new ValidationError(problem, { field: 'name' });
}

function validateDate(date: string): void {
  const problem = dateProblem(date);
  if (problem) throw new ValidationError(problem, { field: 'dateRegister' });
}

function requireLive(state: UserState, userId: string, expectedVersion: number | undefined): void {
  if (state.status === 'absent') throw new NotFoundError(userId);
  if (state.status === 'deleted') throw new StreamDeletedError(userId);
  if (expectedVersion !== undefined && expectedVersion !== state.version)
    throw new ConcurrencyError(userId, expectedVersion, state.version);
}

export function decide(state: UserState, command: Command): NewEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      if (state.status !== 'absent') throw new AlreadyExistsError(command.userId);
      validateName(command.name);
      validateDate(command.dateRegister);
      return [{ type: 'UserRegistered', payload: { name: command.name, dateRegister: command.dateRegister } }];
    }
    case 'RenameUser': {
      requireLive(state, command.userId, command.expectedVersion);
      validateName(command.name);
      return [{ type: 'UserRenamed', payload: { name: command.name } }];
    }
    case 'DeleteUser': {
      requireLive(state, command.userId, command.expectedVersion);
      return [{ type: 'UserDeleted', payload: {} }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}
