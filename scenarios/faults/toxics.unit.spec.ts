import { describe, expect, it } from 'vitest';
import { parseSchedule } from './schedule.ts';
import { proxyActionFor } from './toxics.ts';
import { isToxic, type Fault } from './types.ts';

const one = (f: unknown) => {
  const [x] = parseSchedule([f]);
  if (!x || !isToxic(x)) throw new Error('not a toxic fault');
  return x;
};

describe('proxyActionFor', () => {
  it('down disables the proxy (not a toxic)', () => {
    expect(proxyActionFor(one({ at: 0, fault: 'down', target: 'relay-kafka', duration: 10 }), 0)).toEqual({ link: 'relay-kafka', action: 'disable' });
  });

  it('maps each toxic to Toxiproxy attribute names and units', () => {
    const cases: [unknown, string, Record<string, number>][] = [
      [{ fault: 'latency', params: { latencyMs: 200, jitterMs: 30 } }, 'latency', { latency: 200, jitter: 30 }],
      [{ fault: 'bandwidth', params: { rateKBps: 64 } }, 'bandwidth', { rate: 64 }],
      [{ fault: 'reset_peer', params: { timeoutMs: 500 } }, 'reset_peer', { timeout: 500 }],
      [{ fault: 'slicer', params: { averageSize: 16, sizeVariation: 4, delayUs: 100 } }, 'slicer', { average_size: 16, size_variation: 4, delay: 100 }],
      [{ fault: 'limit_data', params: { bytes: 1_000 } }, 'limit_data', { bytes: 1_000 }],
    ];
    for (const [partial, type, attributes] of cases) {
      const a = proxyActionFor(one({ at: 0, target: 'projector-db', duration: 10, ...(partial as object) }), 7);
      expect(a).toEqual({ link: 'projector-db', action: 'toxics', toxics: [{ name: `faultline-7-${type}-downstream`, type, stream: 'downstream', toxicity: 1, attributes }] });
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
    const f: Fault = { at: 0, fault: 'latency', target: 'query-db', duration: 10, params: { latencyMs: 5, stream: 'upstream', toxicity: 0.5 } };
    const a = proxyActionFor(one(f), 2);
    expect(a.action === 'toxics' && a.toxics).toEqual([expect.objectContaining({ stream: 'upstream', toxicity: 0.5, attributes: { latency: 5, jitter: 0 } })]);
  });
});
