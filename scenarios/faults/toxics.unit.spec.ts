import { describe, expect, it } from 'vitest';
import { lostAckAction } from './lostAckFamily.ts';
import { proxyActionFor } from './networkFamily.ts';
import { parseSchedule } from './schedule.ts';
import type { Fault } from './types.ts';

const one = (f: unknown): Fault => parseSchedule([f])[0]!;

describe('network faults as Toxiproxy actions', () => {
  it('down disables the proxy (not a toxic)', () => {
    expect(proxyActionFor(one({ at: 0, fault: 'down', target: 'relay-kafka', duration: 10 }), 0)).toEqual({
      link: 'relay-kafka',
      action: 'disable',
    });
  });

  it('maps each toxic to Toxiproxy attribute names and units', () => {
    const cases: [unknown, string, Record<string, number>][] = [
      [{ fault: 'latency', params: { latencyMs: 200, jitterMs: 30 } }, 'latency', { latency: 200, jitter: 30 }],
      [{ fault: 'bandwidth', params: { rateKBps: 64 } }, 'bandwidth', { rate: 64 }],
      [{ fault: 'reset_peer', params: { timeoutMs: 500 } }, 'reset_peer', { timeout: 500 }],
      [
        { fault: 'slicer', params: { averageSize: 16, sizeVariation: 4, delayUs: 100 } },
        'slicer',
        { average_size: 16, size_variation: 4, delay: 100 },
      ],
      [{ fault: 'limit_data', params: { bytes: 1_000 } }, 'limit_data', { bytes: 1_000 }],
    ];
    for (const [partial, type, attributes] of cases) {
      const a = proxyActionFor(one({ at: 0, target: 'projector-db', duration: 10, ...(partial as object) }), 7);
      expect(a).toEqual({
        link: 'projector-db',
        action: 'toxics',
        toxics: [{ name: `faultline-7-${type}-downstream`, type, stream: 'downstream', toxicity: 1, attributes }],
      });
    }
  });

  it('a timeout is a black hole both ways by default (timeout 0)', () => {
    const a = proxyActionFor(one({ at: 0, fault: 'timeout', target: 'command-db', duration: 10 }), 1);
    expect(a.action === 'toxics' && a.toxics.map((t) => [t.name, t.stream, t.attributes.timeout])).toEqual([
      ['faultline-1-timeout-upstream', 'upstream', 0],
      ['faultline-1-timeout-downstream', 'downstream', 0],
    ]);
  });

  it('honours stream and toxicity', () => {
    const f: Fault = {
      at: 0,
      fault: 'latency',
      target: 'query-db',
      duration: 10,
      params: { latencyMs: 5, stream: 'upstream', toxicity: 0.5 },
    };
    const a = proxyActionFor(one(f), 2);
    expect(a.action === 'toxics' && a.toxics).toEqual([
      expect.objectContaining({ stream: 'upstream', toxicity: 0.5, attributes: { latency: 5, jitter: 0 } }),
    ]);
  });
});

describe('lost acknowledgements', () => {
  const lost = (params: object) => lostAckAction(one({ at: 0, fault: 'lost-ack', target: 'client-command', duration: 10, params }), 3);

  it('faults only the response direction of the client link, so the request still reaches the service', () => {
    for (const how of ['reset', 'black-hole', 'late']) {
      const a = lost({ how });
      expect(a.link).toBe('client-command');
      expect(a.action === 'toxics' && a.toxics.map((t) => t.stream)).toEqual(['downstream']);
    }
  });

  it('maps each way of losing the answer to its toxic, on every connection by default', () => {
    expect(lost({})).toEqual({
      link: 'client-command',
      action: 'toxics',
      toxics: [
        { name: 'faultline-3-lost-ack-downstream', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 0 } },
      ],
    });
    expect(lost({ how: 'black-hole', toxicity: 0.5 })).toMatchObject({
      toxics: [{ type: 'timeout', toxicity: 0.5, attributes: { timeout: 0 } }],
    });
    expect(lost({ how: 'late', latencyMs: 4_000 })).toMatchObject({
      toxics: [{ type: 'latency', attributes: { latency: 4_000, jitter: 0 } }],
    });
  });

  it('is refused on any other link, and latencyMs without how: late', () => {
    expect(() => one({ at: 0, fault: 'lost-ack', target: 'command-db', duration: 10 })).toThrow(
      /target of lost-ack must be one of client-command/,
    );
    expect(() => one({ at: 0, fault: 'lost-ack', target: 'client-command', duration: 10, params: { latencyMs: 10 } })).toThrow(
      /latencyMs only applies to how: late/,
    );
  });
});
