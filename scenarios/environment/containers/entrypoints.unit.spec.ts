// The images' start scripts, function by function, in bash (no engine needed): how Kafka's
// KAFKA_* variables become server properties, and how MariaDB's entrypoint quotes values.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.ts';

/** Runs one shell function of a script (extracted by name) with the given arguments. */
function callFunction(script: string, fn: string, ...args: string[]): string {
  const body = `source <(sed -n '/^${fn}() {/,/^}/p' "$0"); ${fn} "$@"`;
  return execFileSync('bash', ['-c', body, join(PROJECT_ROOT, script), ...args], { encoding: 'utf8' });
}

describe('kafka image: KAFKA_* → server property (the apache/kafka contract)', () => {
  const prop = (name: string) => callFunction('containers/kafka/run.sh', 'to_property', name);

  it('drops the prefix, lowercases and turns _ into .', () => {
    expect(prop('KAFKA_ADVERTISED_LISTENERS')).toBe('advertised.listeners');
    expect(prop('KAFKA_NODE_ID')).toBe('node.id');
  });

  it('turns __ into _ and ___ into -', () => {
    expect(prop('KAFKA_LISTENER_NAME_RELAY__X')).toBe('listener.name.relay_x');
    expect(prop('KAFKA_A___B')).toBe('a-b');
  });
});

describe('mariadb image: SQL string quoting in the entrypoint', () => {
  it('doubles single quotes so a password cannot end the literal', () => {
    expect(callFunction('containers/mariadb/docker-entrypoint.sh', 'sql_quote', "it's")).toBe("'it''s'");
    expect(callFunction('containers/mariadb/docker-entrypoint.sh', 'sql_quote', "x'; DROP USER root; --")).toBe(
      "'x''; DROP USER root; --'",
    );
  });
});
