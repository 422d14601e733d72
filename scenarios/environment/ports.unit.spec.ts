import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortsFree } from './local/portCheck.ts';
import { basePortFromEnv, DEFAULT_BASE_PORT, MAX_BROKERS, portLayout, SIBLING_SPANS, siblingBasePort } from './ports.ts';

describe('port layout', () => {
  it('gives every listener a distinct port, all outside the ephemeral range', () => {
    const p = portLayout(DEFAULT_BASE_PORT);
    const all = [
      p.toxiproxyApi,
      ...Object.values(p.mariadb),
      p.system.commandService,
      p.system.queryApi,
      p.system.relay,
      p.system.projector,
      ...[2, 3, 4, 5, 6].flatMap((n) => [p.system.relayInstance(n), p.system.projectorInstance(n)]),
      p.proxies.clientCommand,
      p.proxies.commandDb,
      p.proxies.relayDb,
      p.proxies.queryDb,
      p.proxies.projectorDb,
      ...Array.from({ length: MAX_BROKERS }, (_, b) => [
        p.proxies.relayKafka(b),
        p.proxies.projectorKafka(b),
        p.kafka.internal(b),
        p.kafka.replication(b),
        p.proxies.replicationKafka(b),
        p.kafka.controller(b),
        p.kafka.relay(b),
        p.kafka.projector(b),
      ]).flat(),
    ];
    expect(new Set(all).size).toBe(all.length);
    for (const port of all) expect(port < 32768 || port > 61000).toBe(true);
    for (const port of all) expect(port >= p.base && port < p.base + 100).toBe(true);
  });

  it('gives instance ports only to instances 2..6', () => {
    const p = portLayout(DEFAULT_BASE_PORT);
    expect(() => p.system.relayInstance(1)).toThrow(/instances 2\.\.6/);
    expect(() => p.system.projectorInstance(7)).toThrow(/instances 2\.\.6/);
  });

  it('reads FAULTLINE_BASE_PORT and rejects values that reach the ephemeral range', () => {
    expect(basePortFromEnv({})).toBe(19000);
    expect(basePortFromEnv({ FAULTLINE_BASE_PORT: '22000' })).toBe(22000);
    expect(() => basePortFromEnv({ FAULTLINE_BASE_PORT: '32700' })).toThrow(/ephemeral range/);
    expect(() => basePortFromEnv({ FAULTLINE_BASE_PORT: 'abc' })).toThrow(/FAULTLINE_BASE_PORT=abc/);
    expect(() => basePortFromEnv({ FAULTLINE_BASE_PORT: '80' })).toThrow(/≥ 1024/);
  });

  it("places a test's own environment whole spans beside the base port, below it when above is out of range", () => {
    expect(siblingBasePort(2, { FAULTLINE_BASE_PORT: '26000' })).toBe(26200);
    expect(siblingBasePort(4, {})).toBe(19400);
    // 32500 + 400 would reach the ephemeral range: the span below is used instead.
    expect(siblingBasePort(4, { FAULTLINE_BASE_PORT: '32500' })).toBe(32100);
    expect(new Set(Object.values(SIBLING_SPANS)).size).toBe(Object.values(SIBLING_SPANS).length);
    expect(Object.values(SIBLING_SPANS)).not.toContain(1); // the bench's env-up environment's span
    expect(() => siblingBasePort(1, { FAULTLINE_BASE_PORT: 'x' })).toThrow(/FAULTLINE_BASE_PORT=x/);
  });

  it('names a taken port and the setting that moves it', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    try {
      await expect(assertPortsFree([{ port, what: 'MariaDB commands' }])).rejects.toThrow(
        new RegExp(`port ${port} \\(MariaDB commands\\) is already in use.*FAULTLINE_BASE_PORT`),
      );
    } finally {
      srv.close();
    }
  });
});
