// The read model's fold: one user row after one event. Pure.
import type { EventEnvelope, UserRegisteredPayload, UserRenamedPayload } from '../shared/events.ts';

export interface UserState {
  name: string;
  dateRegister: string; // YYYY-MM-DD
  deleted: boolean;
}

export class NoSuchUserError extends Error {
  override readonly name = 'NoSuchUserError';
}

/** Throws NoSuchUserError when a rename or delete has no registered user to act on. */
export function evolve(current: UserState | null, event: EventEnvelope): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const p = event.payload as UserRegisteredPayload;
      return { name: p.name, dateRegister: p.dateRegister.slice(0, 10), deleted: false };
    }
    case 'UserRenamed': {
      if (!current) throw new NoSuchUserError(`${event.type} for unknown user ${event.streamId}`);
      return { ...current, name: (event.payload as UserRenamedPayload).name };
    }
    case 'UserDeleted': {
      if (!current) throw new NoSuchUserError(`${event.type} for unknown user ${event.streamId}`);
      return { ...current, deleted: true };
    }
  }
}
