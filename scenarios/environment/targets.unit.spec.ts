import { describe, expect, it } from 'vitest';
import { fileSafe, instanceName, isTarget, parseTarget, UnknownTargetError } from './targets.ts';

describe('process targets by instance', () => {
  it('keeps the plain names for instance 1 and numbers further instances', () => {
    expect(parseTarget('relay')).toEqual({ kind: 'system', process: 'relay', instance: 1 });
    expect(parseTarget('projector#3')).toEqual({ kind: 'system', process: 'projector', instance: 3 });
    expect(parseTarget('kafka')).toEqual({ kind: 'broker', node: 1 });
    expect(parseTarget('kafka-2')).toEqual({ kind: 'broker', node: 2 });
    expect(parseTarget('queries-db')).toEqual({ kind: 'database', database: 'queries' });
    expect(instanceName('relay', 1)).toBe('relay');
    expect(instanceName('relay', 2)).toBe('relay#2');
    expect(fileSafe('projector#2')).toBe('projector-2');
  });

  it('rejects instances of single-port processes, instance 0 and unknown names, listing the accepted forms', () => {
    for (const bad of ['command-service#2', 'query-api#2', 'relay#0', 'relay#7', 'kafka-0', 'broker', 'relay#x', '']) {
      expect(isTarget(bad), bad).toBe(false);
    }
    expect(() => parseTarget('projektor')).toThrow(UnknownTargetError);
    expect(() => parseTarget('projektor')).toThrow(/relay#N, projector#N/);
  });
});
