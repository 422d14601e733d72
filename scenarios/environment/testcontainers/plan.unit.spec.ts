import { describe, expect, it } from 'vitest';
import { proxyLayout } from '../local/toxiproxy.ts';
import { portLayout } from '../ports.ts';
import { LINKS } from '../types.ts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generateCredentials } from '../../../system/shared/credentials.ts';
import { brokerSecurityProperties } from '../kafkaSecurity.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { kafkaSecurityEnv, propertyEnvName, testcontainersPlan } from './plan.ts';

describe('testcontainers plan (the container layout as data)', () => {
  const ports = portLayout(19000);
  const plan = testcontainersPlan(ports);

  it("gives clients exactly the local provider's proxies, all on 127.0.0.1", () => {
    expect(plan.links).toEqual(proxyLayout(ports, 1));
    for (const link of LINKS)
      for (const p of plan.links[link]) {
        expect(p.listen).toMatch(/^127\.0\.0\.1:\d+$/);
        expect(p.upstream).toMatch(/^127\.0\.0\.1:\d+$/);
      }
  });

  it('puts each server at the host port its proxy (or the harness) dials', () => {
    const upstreamPort = (name: string) =>
      Number(
        Object.values(plan.links)
          .flat()
          .find((p) => p.name === name)!
          .upstream.split(':')[1],
      );
    const kafkaHost = (container: number) => plan.kafka.ports.find((p) => p.container === container)?.host;
    expect(kafkaHost(9094)).toBe(upstreamPort('relay-kafka-1'));
    expect(kafkaHost(9095)).toBe(upstreamPort('projector-kafka-1'));
    expect(kafkaHost(9092)).toBe(ports.kafka.internal(0));
    const db = (name: string) => plan.mariadb.find((d) => d.database === name)!;
    expect(db('commands').port).toBe(upstreamPort('command-db'));
    expect(db('queries').port).toBe(upstreamPort('query-db'));
    expect(db('commands').command).toEqual([`--port=${upstreamPort('relay-db')}`, '--bind-address=127.0.0.1']);
  });

  it('advertises each Kafka role as its proxy and the harness listener as its published port', () => {
    const adv = plan.kafka.env.KAFKA_ADVERTISED_LISTENERS!;
    expect(adv).toContain(`RELAY://${plan.links['relay-kafka'][0]!.listen}`);
    expect(adv).toContain(`PROJECTOR://${plan.links['projector-kafka'][0]!.listen}`);
    expect(adv).toContain(`INTERNAL://127.0.0.1:${ports.kafka.internal(0)}`);
    expect(plan.kafka.env.KAFKA_LISTENERS).toMatch(/RELAY:\/\/0\.0\.0\.0:9094.*PROJECTOR:\/\/0\.0\.0\.0:9095/);
    expect(adv).not.toContain('CONTROLLER');
  });

  it('binds Toxiproxy to 127.0.0.1 on the API port and names every container after the base port', () => {
    expect(plan.toxiproxy.command).toEqual(['-host=127.0.0.1', `-port=${ports.toxiproxyApi}`]);
    expect(Object.values(plan.names)).toEqual(expect.arrayContaining(['faultline-19000-kafka', 'faultline-19000-toxiproxy']));
    expect(new Set(Object.values(plan.names)).size).toBe(4);
    expect(testcontainersPlan(portLayout(21000)).names.kafka).not.toBe(plan.names.kafka);
  });

  it("puts the local provider's Kafka security on the container: every listener SASL, SCRAM credentials formatted in", () => {
    const creds = generateCredentials();
    const env = kafkaSecurityEnv(creds);
    const props = brokerSecurityProperties(creds, {
      listeners: ['INTERNAL', 'RELAY', 'PROJECTOR'],
      interBroker: 'INTERNAL',
      controller: 'CONTROLLER',
    });
    // Each variable turns back into its property by the image's own start script.
    const toProperty = (name: string) =>
      execFileSync(
        'bash',
        ['-c', `source <(sed -n '/^to_property() {/,/^}/p' "$0"); to_property "$1"`, join(PROJECT_ROOT, 'containers/kafka/run.sh'), name],
        {
          encoding: 'utf8',
        },
      );
    for (const [property, value] of Object.entries(props)) {
      expect(toProperty(propertyEnvName(property))).toBe(property);
      expect(env[propertyEnvName(property)]).toBe(value);
    }
    expect(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toBe(
      'INTERNAL:SASL_PLAINTEXT,RELAY:SASL_PLAINTEXT,PROJECTOR:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    );
    expect(env.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND).toBe('false');
    expect(env.FAULTLINE_SCRAM_CREDENTIALS!.split(' ')).toContain(`SCRAM-SHA-512=[name=relay,password=${creds.kafka.passwords.relay}]`);
    expect(Object.values(plan.kafka.env).join(' ')).not.toMatch(/PLAINTEXT/); // the static part carries no protocol map
  });
});
