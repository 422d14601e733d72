// Where downloads are cached (kept across runs) and where a running environment keeps its
// throwaway data, logs and pid files (removed by `down`).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { harnessSettings } from './settings.ts';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return harnessSettings(env).cache ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'faultline');
}

export function runDir(env: NodeJS.ProcessEnv = process.env): string {
  return harnessSettings(env).runDir ?? join(PROJECT_ROOT, '.faultline');
}

export const stateFile = (env: NodeJS.ProcessEnv = process.env) => join(runDir(env), 'env.json');
