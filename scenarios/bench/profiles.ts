// CPU profiles of the system's processes per bench phase: each process preloads
// cpuProfileHook.mjs (through NODE_OPTIONS) and writes `<process>-<pid>.cpuprofile` when it exits
// (open one in Chrome DevTools → Performance, or speedscope).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = join(dirname(fileURLToPath(import.meta.url)), 'cpuProfileHook.mjs');

/** Environment that makes a system process write a CPU profile into `dir` on exit. */
export function profileEnv(dir: string, existing = process.env.NODE_OPTIONS): Record<string, string> {
  return { NODE_OPTIONS: [existing, `--import=${HOOK}`].filter(Boolean).join(' '), FAULTLINE_CPU_PROF_DIR: dir };
}

export function listProfiles(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()
    : [];
}
