// The running environment's addresses, shared by the CLI, the tests and the harness.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateFile } from './paths.ts';
import type { EnvAddresses } from './types.ts';

export function writeState(addresses: EnvAddresses): void {
  mkdirSync(dirname(stateFile()), { recursive: true });
  // It holds the database admin password: readable by its owner only.
  writeFileSync(stateFile(), JSON.stringify(addresses, null, 2), { mode: 0o600 });
  chmodSync(stateFile(), 0o600);
  const sasl = addresses.kafka.sasl;
  if (sasl) {
    // For Kafka's own tools (--command-config, --consumer.config, --producer.config): the harness's principal.
    const module = sasl.mechanism === 'plain' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
    const lines = [
      `# ${addresses.kafka.internal.join(',')} as the harness (a super user); written by env up, removed by down`,
      `bootstrap.servers=${addresses.kafka.internal.join(',')}`,
      'security.protocol=SASL_PLAINTEXT',
      `sasl.mechanism=${sasl.mechanism.toUpperCase()}`,
      `sasl.jaas.config=org.apache.kafka.common.security.${module} required username="${sasl.username}" password="${sasl.password}";`,
    ];
    writeFileSync(kafkaClientPropertiesFile(), `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(kafkaClientPropertiesFile(), 0o600);
  }
}

/** Client properties for Kafka's own command-line tools, beside env.json. */
export const kafkaClientPropertiesFile = (): string => join(dirname(stateFile()), 'kafka-client.properties');

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
  rmSync(kafkaClientPropertiesFile(), { force: true });
}
