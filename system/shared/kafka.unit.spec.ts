import { describe, expect, it } from 'vitest';
import { decodeHeaders, encodeHeaders, headersAsText, headersFromBase64, headersToBase64, validateBrokers } from './kafka.ts';
import { topicConfig } from './topics.ts';

describe('kafka headers', () => {
  it('encodes strings and drops absent values', () => {
    const h = encodeHeaders({ a: 'x', b: undefined, c: null });
    expect(Object.keys(h)).toEqual(['a']);
    expect(h.a).toEqual(Buffer.from('x'));
  });

  it('decodes strings, buffers and repeated headers (first wins)', () => {
    const h = decodeHeaders({ s: 'str', b: Buffer.from([1, 2]), r: [Buffer.from('one'), 'two'], u: undefined });
    expect(h.s?.toString()).toBe('str');
    expect(h.b).toEqual(Buffer.from([1, 2]));
    expect(h.r?.toString()).toBe('one');
    expect('u' in h).toBe(false);
    expect(headersAsText({ s: Buffer.from('é') })).toEqual({ s: 'é' });
  });

  it('round-trips binary headers through base64', () => {
    const h = { bin: Buffer.from([0, 255, 7]) };
    expect(headersFromBase64(headersToBase64(h))).toEqual(h);
  });
});

describe('validateBrokers', () => {
  it('accepts 127.0.0.1 addresses and refuses localhost or a missing port', () => {
    expect(validateBrokers(['127.0.0.1:9092'])).toEqual(['127.0.0.1:9092']);
    expect(() => validateBrokers(['localhost:9092'])).toThrow(/localhost/);
    expect(() => validateBrokers(['127.0.0.1'])).toThrow(/host:port/);
    expect(() => validateBrokers([])).toThrow();
  });
});

describe('topicConfig', () => {
  it('sets min.insync.replicas to min(2, RF)', () => {
    expect(topicConfig(1)).toEqual([{ name: 'min.insync.replicas', value: '1' }]);
    expect(topicConfig(3)).toEqual([{ name: 'min.insync.replicas', value: '2' }]);
  });
});
