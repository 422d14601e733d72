// After the workload: poll both databases until the read model equals the fold of the write
// side's events (quiesced) or the deadline passes (the checkers then say why).
import { checkDiverged } from '../checkers/diverged.ts';
import type { CheckInput } from '../checkers/types.ts';
import type { EnvAddresses } from '../environment/types.ts';
import type { FinalState } from '../record/types.ts';
import { readReadSide, readWriteSide } from '../observe/finalState.ts';

export type ReadBothSides = () => Promise<Pick<FinalState, 'write' | 'read'>>;

/** Quiesced: there are events, and the read model equals their fold. */
export function quiesced(s: Pick<FinalState, 'write' | 'read'>): boolean {
  return s.write.events.length > 0 && checkDiverged(s as unknown as CheckInput).valid === true;
}

export async function pollUntilQuiesced(
  read: ReadBothSides,
  o: { deadlineMs: number; everyMs?: number; now: () => number; giveUp?: () => boolean },
): Promise<number | null> {
  const end = Date.now() + o.deadlineMs;
  for (;;) {
    try {
      if (quiesced(await read())) return o.now();
    } catch {
      /* a database still restarting: keep polling */
    }
    if (Date.now() >= end || o.giveUp?.()) return null;
    await new Promise((r) => setTimeout(r, o.everyMs ?? 250));
  }
}

export function quiesce(
  env: EnvAddresses,
  o: { deadlineMs: number; everyMs?: number; now: () => number; giveUp?: () => boolean },
): Promise<number | null> {
  const read: ReadBothSides = async () => {
    const [write, readSide] = await Promise.all([readWriteSide(env.mariadb.commands), readReadSide(env.mariadb.queries)]);
    return { write, read: readSide };
  };
  return pollUntilQuiesced(read, o);
}
