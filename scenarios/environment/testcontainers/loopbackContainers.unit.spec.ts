import { describe, expect, it } from 'vitest';
import { bindToLoopback } from './loopbackContainers.ts';

describe('bindToLoopback', () => {
  it('pins every published port, fixed or random, to 127.0.0.1 and keeps its host port', () => {
    const bindings = { '3306/tcp': [{ HostPort: '21241' }], '9092/tcp': [{ HostPort: '0' }, { HostIp: '0.0.0.0', HostPort: '9' }] };
    bindToLoopback(bindings);
    expect(bindings).toEqual({
      '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '21241' }],
      '9092/tcp': [
        { HostIp: '127.0.0.1', HostPort: '0' },
        { HostIp: '127.0.0.1', HostPort: '9' },
      ],
    });
  });

  it('accepts a container without published ports', () => {
    expect(() => bindToLoopback(undefined)).not.toThrow();
  });
});
