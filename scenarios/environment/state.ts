// The running environment's addresses, shared by the CLI, the tests and the harness.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stateFile } from './paths.ts';
import type { EnvAddresses } from './types.ts';

export function writeState(addresses: EnvAddresses): void {
  mkdirSync(dirname(stateFile()), { recursive: true });
  // It holds the database admin password: readable by its owner only.
  writeFileSync(stateFile(), JSON.stringify(addresses, null, 2), { mode: 0o600 });
  chmodSync(stateFile(), 0o600);
}

export function readState(): EnvAddresses | undefined {
  if (!existsSync(stateFile())) return undefined;
  return JSON.parse(readFileSync(stateFile(), 'utf8')) as EnvAddresses;
}

/** For tests and tools: the addresses, or a clear error saying how to bring the environment up. */
export function requireState(): EnvAddresses {
  const s = readState();
  if (!s) throw new Error(`no environment is up (${stateFile()} missing): run \`npm run env -- up\``);
  return s;
}

export function clearState(): void {
  rmSync(stateFile(), { force: true });
}
