import type { CommandKind } from '../history/types.ts';

/**
 * A command as generated; the HTTP client sends it with an idempotency key. `padTo` pads the JSON
 * body with insignificant whitespace to that many bytes (bodies near and over the size limit).
 */
export type Command =
  | { kind: 'register'; userId: string; name: string; dateRegister?: string; padTo?: number }
  | { kind: 'rename'; userId: string; name: string; expectedVersion?: number; padTo?: number }
  | { kind: 'delete'; userId: string; expectedVersion?: number };

export type CommandOfKind<K extends CommandKind> = Extract<Command, { kind: K }>;

export function describeCommand(c: Command): string {
  const ev = 'expectedVersion' in c && c.expectedVersion !== undefined ? ` @v${c.expectedVersion}` : '';
  return c.kind === 'delete' ? `delete(${c.userId}${ev})` : `${c.kind}(${c.userId}, ${JSON.stringify(c.name)}${ev})`;
}
