import { describe, expect, it } from 'vitest';
import { generateCredentials } from '../../system/shared/credentials.ts';
import { brokerProperties } from './local/kafka.ts';
import { kafkaSaslEnv, scramFormatArgs, SUPER_USERS, systemAcls } from './kafkaSecurity.ts';
import { portLayout } from './ports.ts';

const creds = generateCredentials();
const props = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('kafka security', () => {
  const p = props(brokerProperties({ brokers: 3, ports: portLayout(19000), dir: '/tmp/k', libs: '' }, 0, creds));

  it('authenticates on every listener, the controller quorum included; nothing without an ACL', () => {
    const listeners = p.listeners!.split(',').map((l) => l.split(':')[0]!);
    const map = Object.fromEntries(p['listener.security.protocol.map']!.split(',').map((e) => e.split(':')));
    expect(listeners.sort()).toEqual(['CONNECT', 'CONTROLLER', 'INTERNAL', 'PROJECTOR', 'RELAY', 'REPLICATION']);
    for (const l of listeners) expect(map[l], l).toBe('SASL_PLAINTEXT');
    expect(p['sasl.mechanism.inter.broker.protocol']).toBe('SCRAM-SHA-512');
    expect(p['listener.name.replication.scram-sha-512.sasl.jaas.config']).toContain(
      `username="broker" password="${creds.kafka.passwords.broker}"`,
    );
    expect(p['sasl.mechanism.controller.protocol']).toBe('PLAIN');
    expect(p['listener.name.controller.plain.sasl.jaas.config']).toContain(`user_controller="${creds.kafka.passwords.controller}"`);
    expect(p['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(p['allow.everyone.if.no.acl.found']).toBe('false');
    expect(p['super.users']).toBe('User:broker;User:controller;User:harness');
    expect(p['super.users']).not.toMatch(/ANONYMOUS/);
  });

  it('formats a SCRAM credential for every principal but the controller (PLAIN, in the properties)', () => {
    const args = scramFormatArgs(creds);
    for (const principal of ['harness', 'broker', 'relay', 'projector', 'query-api', 'command-service'] as const)
      expect(args).toContain(`SCRAM-SHA-512=[name=${principal},password=${creds.kafka.passwords[principal]}]`);
    expect(args.join(' ')).not.toContain('name=controller');
  });

  it('grants the system principals least privilege: no super user among them, no cluster rights', () => {
    const acls = systemAcls();
    const rights = (who: string) =>
      acls
        .filter((a) => a.principal === who)
        .map((a) => `${a.operation} ${a.resource}:${a.name}`)
        .sort();
    expect(rights('relay')).toEqual(['WRITE topic:user-events']);
    expect(rights('command-service')).toEqual(['WRITE topic:user-events']);
    expect(rights('projector')).toEqual(['READ group:projector', 'READ topic:user-events', 'WRITE topic:user-events.dlq']);
    expect(rights('query-api')).toEqual(['DESCRIBE topic:user-events']);
    expect(acls.some((a) => a.resource === 'cluster')).toBe(false);
    for (const a of acls) expect(SUPER_USERS).not.toContain(a.principal);
  });

  it("hands a process its own principal's settings", () => {
    expect(kafkaSaslEnv(creds, 'relay')).toEqual({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_USERNAME: 'relay',
      KAFKA_PASSWORD: creds.kafka.passwords.relay,
    });
  });
});
