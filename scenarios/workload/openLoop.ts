// The open-loop workload: commands are released at a fixed rate whatever the system does (a slow
// system gets a backlog, not a gentler client), until the duration ends or the signal aborts, so
// it runs through the faults and past the heal. In-flight commands are bounded: when the bound is
// reached a due command is skipped and counted, so an outage cannot open thousands of sockets.
// Every command is recorded in the history with its key, intent and predicted status.
import { randomUUID } from 'node:crypto';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { CompletionResult, Outcome } from '../history/types.ts';
import type { Command } from './commands.ts';
import { createGenerator, type GeneratorOptions, type Planned } from './generator.ts';
import { summarize, type WorkloadSummary, type Tally } from './summary.ts';

export interface CommandSender {
  send(c: Command, idempotencyKey: string, correlationId?: string): Promise<CompletionResult>;
}

export interface OpenLoopOptions {
  client: CommandSender; // createCommandClient({ baseUrl, timeoutMs, attempts })
  recorder: HistoryRecorder;
  seed: number;
  /** Commands per second released (a burst counts each of its commands). */
  rate?: number;
  /** Stops after this long (ms), or when `signal` aborts, whichever is first. */
  durationMs?: number;
  signal?: AbortSignal;
  /** At most this many commands in flight; more due ones are skipped (and counted). */
  maxInFlight?: number;
  generator?: Omit<GeneratorOptions, 'seed'>;
  /** Told of every ok command, e.g. to measure when it becomes visible on the read side. */
  onOk?: (c: Command, version: number | undefined) => void;
  /** Where readers can find the hot streams while the workload runs. */
  onGenerator?: (hot: (n: number) => string[]) => void;
  now?: () => number;
}

export const OPEN_LOOP_DEFAULTS = Object.freeze({
  rate: 60, // commands/s: ≥ 1,000 ok in ~25 s on 2 cores with ~10 % deliberate rejections
  maxInFlight: 48, // sockets: a little over rate × one client timeout would be thousands
  tickMs: 10,
});

export async function runOpenLoop(opts: OpenLoopOptions): Promise<WorkloadSummary> {
  const rate = opts.rate ?? OPEN_LOOP_DEFAULTS.rate;
  const maxInFlight = opts.maxInFlight ?? OPEN_LOOP_DEFAULTS.maxInFlight;
  if (!(rate > 0)) throw new Error(`workload rate must be > 0 commands/s, got ${rate}`);
  if (opts.durationMs === undefined && !opts.signal) throw new Error('workload needs a durationMs or a stop signal');
  const now = opts.now ?? (() => performance.now());
  const gen = createGenerator({ seed: opts.seed, ...opts.generator });
  opts.onGenerator?.(gen.hot);
  const tally: Tally = { ops: [], skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const started = now();
  const stopAt = started + (opts.durationMs ?? Infinity);
  let released = 0;

  while (now() < stopAt && !opts.signal?.aborted) {
    const target = Math.floor(((now() - started) / 1000) * rate);
    while (released < target) {
      // a burst goes out together: several commands on one stream in flight at once
      for (const p of gen.next()) {
        released++;
        if (inFlight.size >= maxInFlight) {
          tally.skipped++;
          continue;
        }
        const run: Promise<void> = execute(p, opts, gen, tally).finally(() => inFlight.delete(run));
        inFlight.add(run);
      }
    }
    await new Promise((r) => setTimeout(r, OPEN_LOOP_DEFAULTS.tickMs));
  }
  const sendingMs = now() - started;
  await Promise.all(inFlight);
  return summarize(tally, { rate, sendingMs, drainMs: now() - started - sendingMs });
}

async function execute(p: Planned, opts: OpenLoopOptions, gen: ReturnType<typeof createGenerator>, tally: Tally): Promise<void> {
  const c = p.command;
  const idempotencyKey = p.resend?.idempotencyKey ?? p.reuseKeyOf?.idempotencyKey ?? p.idempotencyKey ?? randomUUID();
  gen.sent(p);
  const opId = opts.recorder.invoke({
    process: 0,
    kind: c.kind,
    userId: c.userId,
    idempotencyKey,
    intent: p.intent,
    ...('name' in c ? { name: c.name } : {}),
    ...(c.kind === 'register' && c.dateRegister ? { dateRegister: c.dateRegister } : {}),
    ...('expectedVersion' in c && c.expectedVersion !== undefined ? { expectedVersion: c.expectedVersion } : {}),
    ...(p.predicted !== undefined ? { predicted: p.predicted } : {}),
    ...(p.resend ? { resendOf: p.resend.opId } : {}),
  });
  let result: CompletionResult;
  try {
    result = await opts.client.send(c, idempotencyKey);
  } catch (err) {
    result = { outcome: 'unknown', error: `client: ${(err as Error).message}` };
  }
  opts.recorder.complete(opId, result);
  gen.settle(p, result, { opId, idempotencyKey });
  if (result.outcome === 'ok') opts.onOk?.(c, result.version);
  tally.ops.push({
    userId: c.userId,
    intent: p.intent,
    outcome: result.outcome as Outcome,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(p.predicted !== undefined ? { predicted: p.predicted } : {}),
  });
}
