// What the generator hands the workload: a command, why it is sent, and what the model expects.
import type { Command } from './commands.ts';
import type { OkAnswer } from './streamBook.ts';

export type Intent =
  | 'valid'
  | 'stale-if-match'
  | 're-register'
  | 'on-deleted'
  | 'on-missing'
  | 'invalid-name'
  | 'invalid-date'
  | 'oversize-body'
  | 'key-reuse'
  | 'resend'
  | 'twin';

export interface Planned {
  command: Command;
  intent: Intent;
  /** The status the model predicts; absent when concurrency on the stream makes it uncertain. */
  predicted?: number;
  /** A resend: reuse this key; the answer must equal the first one. */
  resend?: Omit<OkAnswer, 'command'>;
  /** A different request under an earlier ok command's key: the service must refuse it (422). */
  reuseKeyOf?: { opId: number; idempotencyKey: string };
  /** The key to send with, chosen by the generator: twins (one request sent twice at once) share it. */
  idempotencyKey?: string;
}
