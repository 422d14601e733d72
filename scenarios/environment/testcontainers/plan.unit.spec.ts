import { describe, expect, it } from 'vitest';
import { portLayout } from '../ports.ts';
import { LINKS } from '../types.ts';
import { testcontainersPlan } from './plan.ts';

describe('testcontainers plan (configuration mapping; the provider itself is untested here: no Docker)', () => {
  const ports = portLayout(19000);
  const plan = testcontainersPlan(ports);

  it('has a proxy for every link, listening on the same host port the clients dial', () => {
    for (const link of LINKS) {
      for (const addr of plan.links[link]) {
        const proxy = plan.toxiproxy.proxies.find((p) => p.name === addr.name);
        expect(proxy, addr.name).toBeDefined();
        expect(`127.0.0.1:${proxy!.hostPort}`).toBe(addr.listen);
      }
    }
  });

  it('advertises each Kafka role as its proxy and points the proxy at that role listener', () => {
    const adv = plan.kafka.env.KAFKA_ADVERTISED_LISTENERS!;
    expect(adv).toContain(`RELAY://${plan.links['relay-kafka'][0]!.listen}`);
    expect(adv).toContain(`PROJECTOR://${plan.links['projector-kafka'][0]!.listen}`);
    expect(plan.toxiproxy.proxies.find((p) => p.name === 'relay-kafka-1')!.upstream).toBe('kafka:9094');
    expect(plan.toxiproxy.proxies.find((p) => p.name === 'projector-kafka-1')!.upstream).toBe('kafka:9095');
    expect(plan.kafka.env.KAFKA_LISTENERS).toMatch(/RELAY:\/\/0\.0\.0\.0:9094.*PROJECTOR:\/\/0\.0\.0\.0:9095/);
  });

  it('keeps database links apart per role and sends the client link to the host', () => {
    const up = (name: string) => plan.toxiproxy.proxies.find((p) => p.name === name)!.upstream;
    expect(up('command-db')).toBe('commands-db:3306');
    expect(up('relay-db')).toBe('commands-db:3306');
    expect(up('projector-db')).toBe('queries-db:3306');
    expect(up('query-db')).toBe('queries-db:3306');
    expect(up('client-command')).toBe(`host.testcontainers.internal:${ports.system.commandService}`);
    expect(plan.hostPortsToExpose).toEqual([ports.system.commandService]);
  });
});
