// The requests autocannon sends: each a NEW user registration with its own id and idempotency
// key, so every accepted request is one full command transaction (event + USER_DATA + outbox +
// idempotency row) — never a replay and never a conflict. Pure but for the id source.
import { randomUUID } from 'node:crypto';

export interface GeneratedRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export function registerRequest(newId: () => string = randomUUID, n = 0): GeneratedRequest {
  const id = newId();
  return {
    method: 'POST',
    path: '/users',
    headers: { 'content-type': 'application/json', 'idempotency-key': `load-${id}` },
    body: JSON.stringify({ id, name: `load user ${n}`, dateRegister: '2026-11-28' }),
  };
}

/** A 201's body, as far as the e2e probe needs it; undefined if it is not one. */
export function parseAccepted(status: number, body: string | undefined): { id: string; version: number } | undefined {
  if (status !== 201 || !body) return undefined;
  try {
    const b = JSON.parse(body) as { id?: unknown; version?: unknown };
    return typeof b.id === 'string' && typeof b.version === 'number' ? { id: b.id, version: b.version } : undefined;
  } catch {
    return undefined;
  }
}
