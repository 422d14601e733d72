// After the last heal: poll both databases until the read model equals the fold of the write
// side's events (converged) or the deadline passes (the checkers then say why).
import { checkDiverged } from '../checkers/diverged.ts';
import type { CheckInput } from '../checkers/types.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { readReadSide, readWriteSide } from './finalState.ts';

export async function quiesce(env: EnvAddresses, opts: { deadlineMs: number; everyMs?: number; now: () => number }): Promise<number | null> {
  const end = Date.now() + opts.deadlineMs;
  for (;;) {
    try {
      const [write, read] = await Promise.all([readWriteSide(env.mariadb.commands), readReadSide(env.mariadb.queries)]);
      const input = { write, read } as unknown as CheckInput;
      if (write.events.length > 0 && checkDiverged(input).valid) return opts.now();
    } catch {
      /* a database still restarting: keep polling */
    }
    if (Date.now() >= end) return null;
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 250));
  }
}
