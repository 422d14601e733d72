// Pure domain decisions: given the folded state and a command, return the events to append or
// throw a domain error (which carries its HTTP status). No I/O, no clock, no ids: the caller
// supplies those, so decide/evolve are unit-tested with given/when/then.
import {
  AlreadyExistsError,
  ConcurrencyError,
  NotFoundError,
  StreamDeletedError,
  ValidationError,
} from '../shared/errors.ts';
import type { EventType, PayloadByType } from '../shared/events.ts';
import type { UserState } from './evolve.ts';

export const NAME_MAX_CHARS = 255; // USER_DATA.NAME is VARCHAR(255) (characters, utf8mb4)

export type Command =
  | { type: 'RegisterUser'; userId: string; name: string; dateRegister: string }
  | { type: 'RenameUser'; userId: string; name: string; expectedVersion?: number }
  | { type: 'DeleteUser'; userId: string; expectedVersion?: number };

export interface NewEvent<T extends EventType = EventType> {
  type: T;
  payload: PayloadByType[T];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Name rules shared by register and rename. Length counts code points, as VARCHAR(255) does. */
export function validateName(name: string): void {
  const chars = [...name].length;
  if (chars < 1 || chars > NAME_MAX_CHARS) throw new ValidationError(`name must have 1..${NAME_MAX_CHARS} characters, got ${chars}`, { field: 'name' });
  if (name.trim() === '') throw new ValidationError('name must not be blank', { field: 'name' });
  // A lone surrogate cannot be encoded in UTF-8: it would be stored as U+FFFD, silently changed.
  if (LONE_SURROGATE.test(name)) throw new ValidationError('name contains an unpaired UTF-16 surrogate', { field: 'name' });
  if (name.includes('\u0000')) throw new ValidationError('name must not contain NUL', { field: 'name' });
}

/** A real calendar date YYYY-MM-DD within MariaDB DATE range. */
export function validateDate(date: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== date || Number(m[1]) < 1000) {
    throw new ValidationError(`dateRegister must be a calendar date YYYY-MM-DD (year >= 1000), got ${JSON.stringify(date)}`, { field: 'dateRegister' });
  }
}

function requireLive(state: UserState, userId: string, expectedVersion: number | undefined): void {
  if (state.status === 'absent') throw new NotFoundError(userId);
  if (state.status === 'deleted') throw new StreamDeletedError(userId);
  if (expectedVersion !== undefined && expectedVersion !== state.version) throw new ConcurrencyError(userId, expectedVersion, state.version);
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
