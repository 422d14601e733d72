import type { CommandKind } from '../history/types.ts';

/** A command as generated; the lead's HTTP client sends it with an idempotency key. */
export type Command =
  | { kind: 'register'; userId: string; name: string }
  | { kind: 'rename'; userId: string; name: string; expectedVersion?: number }
  | { kind: 'delete'; userId: string; expectedVersion?: number };

export type CommandOfKind<K extends CommandKind> = Extract<Command, { kind: K }>;

export function describeCommand(c: Command): string {
  const ev = 'expectedVersion' in c && c.expectedVersion !== undefined ? ` @v${c.expectedVersion}` : '';
  return c.kind === 'delete' ? `delete(${c.userId}${ev})` : `${c.kind}(${c.userId}, ${JSON.stringify(c.name)}${ev})`;
}
