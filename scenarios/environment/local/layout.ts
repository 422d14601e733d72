// Where the local provider's servers live: ports from the base port, data in the run dir.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { basePortFromEnv, portLayout, type PortLayout } from '../ports.ts';
import { runDir } from '../paths.ts';

export interface LocalLayout {
  ports: PortLayout;
  dir: string;
  brokers: number;
}

export function localLayout(brokers: number): LocalLayout {
  return { ports: portLayout(basePortFromEnv()), dir: runDir(), brokers };
}

/** Brokers of an environment already up here, so `up` and `down` need no --brokers. */
export function runningBrokerCount(dir: string = runDir()): number | undefined {
  const kafkaDir = join(dir, 'kafka');
  if (!existsSync(kafkaDir)) return undefined;
  const n = readdirSync(kafkaDir).filter((d) => d.startsWith('broker-')).length;
  return n > 0 ? n : undefined;
}
