// Named crash points (FoundationDB's BUGGIFY idea): sites inside the dangerous windows of the
// system's code where the harness can make the process die on purpose, on the Nth pass, so a crash
// lands in the window every time instead of by luck. Inert unless armed; an unarmed pass is one
// Map lookup on an empty map.
//
// Arming: FAULTLINE_CRASH_POINTS="name:N[,name:N]" at start, or at run time by writing the same
// format to the file named by FAULTLINE_CRASH_ARM_FILE and sending SIGUSR2 (counters restart).
// A point that fires appends one JSON line to FAULTLINE_CRASH_LOG (when set) and SIGKILLs the
// process: no cleanup, no flush, exactly like a power cut of that process. Armed as
// "name:N:pause" it SIGSTOPs the process instead, once, frozen inside the window (holding its
// locks, claims and connections) until the harness sends SIGCONT: a zombie made on purpose.
import { appendFileSync, readFileSync, writeSync } from 'node:fs';

export const CRASH_POINTS = [
  'command-service.after-commit-before-reply',
  'command-service.dual-write.after-commit-before-publish',
  'relay.after-claim-before-send',
  'relay.after-claim-commit',
  'relay.after-send-before-mark',
  'projector.after-db-commit-before-offset-commit',
  'projector.mid-run',
] as const;
export type CrashPointName = (typeof CRASH_POINTS)[number];

export type PointAction = 'kill' | 'pause';

interface Armed {
  nth: number;
  passes: number;
  action: PointAction;
}

const armed = new Map<string, Armed>();

/** Parses "name:N[:pause],…" into each point's pass and action; throws with the accepted names on anything else. */
export function parsePointSpec(spec: string): Map<string, { nth: number; action: PointAction }> {
  const out = new Map<string, { nth: number; action: PointAction }>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const action = /:(pause|kill)$/.exec(part)?.[1] as PointAction | undefined;
    const [name, nth] = [...parseCrashPoints(action ? part.slice(0, -(action.length + 1)) : part)][0]!;
    out.set(name, { nth, action: action ?? 'kill' });
  }
  return out;
}

/** Parses "name:N,name:N"; throws with the accepted names on anything else. */
export function parseCrashPoints(spec: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z.-]+):(\d+)$/.exec(part);
    if (!m || !(CRASH_POINTS as readonly string[]).includes(m[1]!) || Number(m[2]) < 1) {
      throw new Error(`bad crash point ${JSON.stringify(part)}: expected name:N (N >= 1) with name one of ${CRASH_POINTS.join(', ')}`);
    }
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

export function armCrashPoints(spec: string): void {
  const parsed = parsePointSpec(spec);
  armed.clear();
  for (const [name, { nth, action }] of parsed) armed.set(name, { nth, passes: 0, action });
}

/** Marks a pass through a named site; dies here on the armed pass. */
export function crashPoint(name: CrashPointName, context: Record<string, unknown> = {}): void {
  if (armed.size === 0) return;
  const a = armed.get(name);
  if (!a) return;
  a.passes++;
  if (a.passes < a.nth) return;
  const pause = a.action === 'pause';
  const line = `${JSON.stringify({ crashPoint: name, pass: a.passes, pid: process.pid, at: Date.now(), ...(pause ? { action: 'pause' } : {}), ...context })}\n`;
  if (pause) armed.delete(name); // once: after SIGCONT the process goes on through the window
  try {
    writeSync(2, line);
    if (process.env.FAULTLINE_CRASH_LOG) appendFileSync(process.env.FAULTLINE_CRASH_LOG, line);
  } finally {
    process.kill(process.pid, pause ? 'SIGSTOP' : 'SIGKILL');
  }
}

/** Arms from the environment and, when an arm file is configured, re-arms on SIGUSR2. */
export function installCrashPoints(env: NodeJS.ProcessEnv = process.env): void {
  if (env.FAULTLINE_CRASH_POINTS) armCrashPoints(env.FAULTLINE_CRASH_POINTS);
  const file = env.FAULTLINE_CRASH_ARM_FILE;
  if (file) {
    process.on('SIGUSR2', () => {
      try {
        armCrashPoints(readFileSync(file, 'utf8'));
      } catch (err) {
        writeSync(2, `${JSON.stringify({ crashPointArmError: String(err) })}\n`);
      }
    });
  }
}

/** For tests: the armed points and their pass counts. */
export const armedCrashPoints = (): ReadonlyMap<string, Readonly<Armed>> => armed;
