// The write model of one user, folded from its event stream. Pure: the same fold rebuilds state
// in the command path and lets a checker compare USER_DATA with the events (write-diverged).
import type { EventEnvelope, EventType, PayloadByType } from '../shared/events.ts';

export type UserState =
  { status: 'absent'; version: 0 } | { status: 'active' | 'deleted'; version: number; name: string; dateRegister: string };

export const INITIAL_STATE: UserState = Object.freeze({ status: 'absent', version: 0 });

/** The part of an event the fold needs (rows from `events` map to this directly). */
export interface StoredEvent<T extends EventType = EventType> {
  streamVersion: number;
  type: T;
  payload: PayloadByType[T];
}

export function evolve(state: UserState, event: StoredEvent | EventEnvelope): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const p = event.payload as PayloadByType['UserRegistered'];
      return { status: 'active', version: event.streamVersion, name: p.name, dateRegister: p.dateRegister };
    }
    case 'UserRenamed': {
      if (state.status === 'absent') return state; // cannot happen in a valid stream; ignore defensively
      const p = event.payload as PayloadByType['UserRenamed'];
      return { ...state, version: event.streamVersion, name: p.name };
    }
    case 'UserDeleted':
      if (state.status === 'absent') return state;
      return { ...state, status: 'deleted', version: event.streamVersion };
    default: {
      const unknown: never = event.type;
      throw new Error(`unknown event type ${String(unknown)}`);
    }
  }
}

export function fold(events: Iterable<StoredEvent | EventEnvelope>, from: UserState = INITIAL_STATE): UserState {
  let s = from;
  for (const e of events) s = evolve(s, e);
  return s;
}
