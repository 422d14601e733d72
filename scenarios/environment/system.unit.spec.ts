import { describe, expect, it } from 'vitest';
import { crashFiles, instanceSpecs } from './system.ts';
import { parseCrashLog } from './systemControl.ts';
import { basePortFromEnv, portLayout } from './ports.ts';
import type { EnvAddresses } from './types.ts';
import { generateCredentials } from '../../system/shared/credentials.ts';

const credentials = generateCredentials();

const one = (name: string, listen: string, upstream: string) => [{ name, listen, upstream }];
const addr = {
  provider: 'local',
  toxiproxy: { api: 'http://127.0.0.1:1' },
  kafka: { brokers: 1, internal: ['127.0.0.1:1050'], relay: ['127.0.0.1:1020'], projector: ['127.0.0.1:1030'] },
  mariadb: {},
  links: {
    'client-command': one('client-command', '127.0.0.1:1011', '127.0.0.1:1091'),
    'command-db': one('command-db', '127.0.0.1:1012', '127.0.0.1:1041'),
    'relay-db': one('relay-db', '127.0.0.1:1013', '127.0.0.1:1041'),
    'projector-db': one('projector-db', '127.0.0.1:1015', '127.0.0.1:1042'),
    'query-db': one('query-db', '127.0.0.1:1014', '127.0.0.1:1042'),
  },
} as unknown as EnvAddresses;

describe('system process instances', () => {
  it('instance 1 keeps its port and name; further relays and projectors get their own port and crash files', () => {
    const p = portLayout(basePortFromEnv()); // the layout instanceSpecs reads: FAULTLINE_BASE_PORT may move it
    const specs = instanceSpecs(addr, { instances: { relay: 2, projector: 3 }, credentials });
    expect(Object.keys(specs).sort()).toEqual([
      'command-service',
      'projector',
      'projector#2',
      'projector#3',
      'query-api',
      'relay',
      'relay#2',
    ]);
    expect(specs.relay!.env.HTTP_PORT).toBe(String(p.system.relay));
    expect(specs['relay#2']!.env.HTTP_PORT).toBe(String(p.system.relayInstance(2)));
    expect(specs['projector#3']!.url).toBe(`http://127.0.0.1:${p.system.projectorInstance(3)}`);
    expect(specs['projector#3']!.env).toMatchObject({
      FAULTLINE_INSTANCE: '3',
      CONSUME_MODE: 'effectively-once',
      QUERIES_DB_URL: specs.projector!.env.QUERIES_DB_URL,
    });
    expect(specs['projector#2']!.env.FAULTLINE_CRASH_ARM_FILE).toBe(crashFiles('projector#2').armFile);
    expect(specs['projector#2']!.env.FAULTLINE_CRASH_LOG).toMatch(/projector-2\.crash\.log$/);
    expect(new Set(Object.values(specs).map((s) => s.env.FAULTLINE_CRASH_LOG)).size).toBe(7);
  });

  it('starts no relay in dual-write and refuses an impossible instance count', () => {
    expect(Object.keys(instanceSpecs(addr, { publishMode: 'dual-write', credentials }))).not.toContain('relay');
    expect(() => instanceSpecs(addr, { instances: { projector: 7 }, credentials })).toThrow(/instances of projector must be 1..6, got 7/);
  });
});

describe('system process credentials', () => {
  const withAuth = {
    ...addr,
    kafka: { ...addr.kafka, sasl: { mechanism: 'scram-sha-512', username: 'harness', password: 'x' } },
  } as EnvAddresses;

  it("hands each process its own database role's and Kafka principal's password, never the role's name", () => {
    const specs = instanceSpecs(withAuth, { instances: { relay: 2 }, credentials });
    const url = (v: string | undefined) => new URL(v!);
    const db = (target: string, variable: string, role: keyof typeof credentials.mariadb) => {
      const u = url(specs[target]!.env[variable]);
      expect(u.username).toBe(role);
      expect(decodeURIComponent(u.password)).toBe(credentials.mariadb[role]);
      expect(u.password).not.toBe(role);
    };
    db('command-service', 'COMMANDS_DB_URL', 'command_service');
    db('relay', 'COMMANDS_DB_URL', 'relay');
    db('relay#2', 'COMMANDS_DB_URL', 'relay');
    db('projector', 'QUERIES_DB_URL', 'projector');
    db('query-api', 'QUERIES_DB_URL', 'query_api');
    for (const [target, principal] of [
      ['relay', 'relay'],
      ['relay#2', 'relay'],
      ['projector', 'projector'],
      ['command-service', 'command-service'],
      ['query-api', 'query-api'],
    ] as const) {
      expect(specs[target]!.env).toMatchObject({ KAFKA_USERNAME: principal, KAFKA_PASSWORD: credentials.kafka.passwords[principal] });
    }
  });

  it('gives no Kafka credentials where the brokers take none', () => {
    expect(instanceSpecs(addr, { credentials }).relay!.env.KAFKA_USERNAME).toBeUndefined();
  });
});

describe('crash log', () => {
  it('reads each fired point and skips a line cut short by the SIGKILL that followed it', () => {
    const log = '{"crashPoint":"relay.after-send-before-mark","pass":2,"pid":41,"at":5}\n{"crashPoint":"relay.after-cla';
    expect(parseCrashLog(log)).toEqual([{ crashPoint: 'relay.after-send-before-mark', pass: 2, pid: 41, at: 5 }]);
  });
});
